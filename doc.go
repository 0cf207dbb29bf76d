// Package purse holds the domain of the purse wallet server: accounts, money, the closure flow's
// types, the error codes every layer speaks, and the store interface the drivers implement.
//
// It imports nothing of the project. Business rules live in the domain packages (account, ledger,
// closure, notify, lifecycle); storage lives behind Store in the sqlstore package and its sqlite and
// postgres drivers; cmd/purse wires them together.
package purse

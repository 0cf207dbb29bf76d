package purse

import "context"

// ConsoleNameQueries resolve the actors that histories and audit events name by id
// ("operator:01a2…"), so that the console shows people by name.
type ConsoleNameQueries interface {
	// OperatorNames returns every operator's username by id, disabled ones included: a history
	// keeps naming the operator who acted after they left.
	OperatorNames(ctx context.Context) (map[string]string, error)
}

package apitest

import "github.com/purse-wallet/purse"

func purseRole(r string) purse.Role { return purse.Role(r) }

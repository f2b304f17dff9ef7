// Command zhanggui is 掌柜, a cashier and merchant-management application
// for small shops. With no command it opens the till; see `zhanggui --help`.
package main

import (
	"os"

	_ "early" // first: makes the locale one the GUI library can read (app/early)

	"zhanggui/app"
)

func main() { os.Exit(app.Run(os.Args[1:], os.Stdout, os.Stderr)) }

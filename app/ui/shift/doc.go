// Package shift holds the shift screens (交班): open a shift with the float
// counted by denomination, paid-in, paid-out and drops with a reason, the X
// report, the blind close (count → the result to those allowed → one
// recount → a reason) with its printed 交班单, and the Z report (日结).
// Every rule is in package pos and every write in the store behind Store;
// the screens gate each action by the permission table.
package shift

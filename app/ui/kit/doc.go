// Package kit is what every screen family under app/ui shares: the till's
// language (T, Tf, SetLanguage) and the registry of the families' Chinese
// translations. app/ui holds the checkout and the screens that grew with it;
// a new family (staff, shifts, audit, ...) gets its own package beside it
// and imports only kit, pos and Fyne, so a developer knows their room.
package kit

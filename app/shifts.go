package app

import (
	"zhanggui/app/ui/shift"
	"zhanggui/storage"
)

// The shift screens write through the store.
var _ shift.Store = (*storage.DB)(nil)

package storage

func SetSynchronous(db *DB, mode string) error {
	_, err := db.rw.Exec("PRAGMA synchronous=" + mode)
	return err
}

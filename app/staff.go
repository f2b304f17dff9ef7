package app

import (
	"context"
	"fmt"
	"path/filepath"

	staffui "zhanggui/app/ui/staff"
	"zhanggui/assets"
	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/pcsc"
	"zhanggui/pos"
	"zhanggui/storage"
)

// pepperFile is the file beside the database that peppers the staff PIN
// hashes. Like secret.key it is never in the database nor in its backups.
const pepperFile = "pepper.key"

// openStaffAuth is the staff service of the shop in dataDir.
func openStaffAuth(db *storage.DB, dataDir string) (*storage.StaffAuth, error) {
	pepper, err := storage.LoadOrCreatePepper(filepath.Join(dataDir, pepperFile))
	if err != nil {
		return nil, fmt.Errorf("app: PIN pepper: %w", err)
	}
	return storage.NewStaffAuth(db, pepper)
}

// staffDeps wires the login screens: the staff service, the badge reader
// when the till has one, and in the demo shop its staff and their PINs.
func staffDeps(ctx context.Context, db *storage.DB, dataDir string, st pos.Settings) (staffui.Deps, error) {
	auth, err := openStaffAuth(db, dataDir)
	if err != nil {
		return staffui.Deps{}, err
	}
	d := staffui.Deps{Service: auth}
	if anyReader() == nil {
		d.ReadBadge = readBadge
	}
	if !st.Demo {
		return d, nil
	}
	if err := seedDemoStaff(ctx, auth, db); err != nil {
		return d, err
	}
	d.DemoPINs = map[string]string{}
	for _, s := range assets.DemoStaff {
		d.DemoPINs[s.Name] = s.PIN
	}
	return d, nil
}

// seedDemoStaff gives the demo shop its staff and their known PINs, once:
// while its owner has no PIN.
func seedDemoStaff(ctx context.Context, auth *storage.StaffAuth, db *storage.DB) error {
	need, err := auth.NeedsOwnerPIN(ctx)
	if err != nil || !need {
		return err
	}
	existing, err := db.Staff(ctx)
	if err != nil {
		return err
	}
	byName := map[string]pos.Staff{}
	for _, s := range existing {
		byName[s.Name] = s
	}
	owner, err := auth.SetFirstOwnerPIN(ctx, assets.DemoStaff[0].PIN)
	if err != nil {
		return fmt.Errorf("app: demo owner: %w", err)
	}
	for _, ds := range assets.DemoStaff[1:] {
		s := byName[ds.Name] // ID 0 when new
		s.Name, s.Role, s.Active = ds.Name, pos.Role(ds.Role), true
		if _, err := auth.SaveStaff(ctx, owner, s, ds.PIN); err != nil {
			return fmt.Errorf("app: demo staff %s: %w", ds.Name, err)
		}
	}
	return nil
}

// readBadge waits for a card on any reader and returns its UID.
func readBadge(ctx context.Context) (string, error) {
	pc, err := pcsc.Open()
	if err != nil {
		return "", err
	}
	defer func() { _ = pc.Close() }() // nothing to do about a failed release
	name, err := pc.WaitCard(ctx, "")
	if err != nil {
		return "", err
	}
	conn, err := pc.Connect(name)
	if err != nil {
		return "", err
	}
	defer func() { _ = conn.Close() }() // fails when the card is gone already
	uid, err := nfc.ReadUID(ctx, conn)
	return string(uid), err
}

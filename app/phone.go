package app

import (
	"cmp"
	"context"
	"time"

	"zhanggui/app/ui"
	"zhanggui/hardware/camera"
	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/providersim"
)

// simPhone is the demo customer's phone, played by the simulator.
type simPhone struct {
	sim       *providersim.Sim
	db        *storage.DB
	providers []pos.Provider
	scene     *camera.PhoneScene // what the counter's camera sees: the phone's screen
}

var _ ui.CustomerPhone = (*simPhone)(nil)

func (p *simPhone) Providers() []pos.Provider { return p.providers }

// simProvider names a till channel in the simulator's words.
func simProvider(pr pos.Provider) providersim.Provider {
	return map[pos.Provider]providersim.Provider{pos.Alipay: providersim.Alipay, pos.Wechat: providersim.WeChat,
		pos.UnionPay: providersim.UnionPay, pos.ECNY: providersim.ECNY}[pr]
}

// slowPassword is how long the demo customer takes over the password.
var slowPassword = 8 * time.Second

// behaviour scripts the simulator as the trainer chose.
func behaviour(b ui.PhoneBehaviour) providersim.Behaviour {
	switch b {
	case ui.PhoneSlow:
		return providersim.PasswordThenSuccess(2, slowPassword)
	case ui.PhoneNoBalance:
		return providersim.InsufficientBalance
	case ui.PhoneWalkAway:
		return providersim.PasswordThenFail(1_000_000, 24*time.Hour)
	}
	return providersim.Success
}

func (p *simPhone) NewCode(pr pos.Provider, b ui.PhoneBehaviour) (string, error) {
	sp := simProvider(pr)
	if sp == "" {
		return "", pos.Errorf(pos.CodeInvalid, "app: no demo wallet for %s", pr)
	}
	code := p.sim.NewPaymentCode(sp, "demo")
	p.sim.Script(providersim.OnCode(code), behaviour(b))
	if err := p.scene.SetText(code); err != nil {
		return "", err
	}
	return code, nil
}

// ScanShopQR pays the newest QR payment the till is waiting for.
func (p *simPhone) ScanShopQR(b ui.PhoneBehaviour) error {
	open, err := p.db.OpenPayments(context.Background())
	if err != nil {
		return err
	}
	for i := len(open) - 1; i >= 0; i-- {
		if q := open[i]; q.Mode == pos.ModeQR && q.State == pos.PayWaiting {
			switch b {
			case ui.PhoneWalkAway:
				return p.sim.CustomerScan(q.ID)
			case ui.PhoneSlow: // scanned now, the password typed a few seconds later
				if err := p.sim.CustomerScan(q.ID); err != nil {
					return err
				}
				time.AfterFunc(slowPassword, func() { _ = p.sim.CustomerPay(q.ID) }) // the till sees the outcome
				return nil
			case ui.PhoneNoBalance:
				p.sim.Script(providersim.OnOutTradeNo(q.ID), providersim.InsufficientBalance)
			}
			return p.sim.CustomerPay(q.ID)
		}
	}
	return pos.Errorf(pos.CodeNotFound, "app: no QR payment is waiting")
}

func (ps *paymentSetup) phone(db *storage.DB) ui.CustomerPhone {
	if ps.sim == nil {
		return nil
	}
	var providers []pos.Provider
	for _, pr := range []pos.Provider{pos.Alipay, pos.Wechat, pos.UnionPay, pos.ECNY} {
		if _, ok := ps.service.Providers[pr]; ok {
			providers = append(providers, pr)
		}
	}
	return &simPhone{sim: ps.sim, db: db, providers: providers, scene: ps.scene}
}

// openCamera opens the counter's camera: in demo mode the simulated phone
// held up to it (generated frames through the same decoder pipeline), in a
// shop the V4L2 webcam chosen in the hardware screen (or the first found)
// at the chosen size; nil when there is none.
func (ps *paymentSetup) openCamera(settings func() pos.Settings) func() (camera.FrameSource, error) {
	if ps.sim != nil {
		return func() (camera.FrameSource, error) {
			return camera.NewGenerated(ps.scene.Render, camera.GeneratedOptions{FPS: 15}), nil
		}
	}
	devs, err := camera.ListDevices()
	if err != nil || len(devs) == 0 {
		return nil
	}
	return func() (camera.FrameSource, error) {
		st := settings()
		w, h := st.CameraFrame()
		return camera.OpenV4L2(cmp.Or(st.Camera, devs[0].Path), camera.V4L2Options{Width: w, Height: h})
	}
}

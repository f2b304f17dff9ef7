package escpostest

import "slices"

// esc decodes ESC x [args].
func (d *decoder) esc() error {
	b, err := d.need("ESC", 2)
	if err != nil {
		return err
	}
	switch b[1] {
	case '@':
		d.add("ESC @", 2, nil, nil)
		d.reset()
		return nil
	case 'a':
		return d.param("ESC a", func(n byte) bool { return n <= 2 || n >= '0' && n <= '2' }, func(n byte) {
			d.align = n % '0'
		})
	case 'E':
		return d.param("ESC E", nil, func(n byte) { d.bold = n&1 == 1 })
	case '!':
		return d.param("ESC !", nil, nil)
	case 'd':
		return d.param("ESC d", nil, func(n byte) {
			for range n {
				d.endLine()
			}
		})
	case 'p':
		return d.pulse()
	}
	return d.errorf("unknown command ESC %#02x", b[1])
}

// param decodes a two-byte command with one parameter n, checks n with ok
// (nil: any n) and applies it with apply (nil: no effect on the lines).
func (d *decoder) param(name string, ok func(byte) bool, apply func(byte)) error {
	b, err := d.need(name, 3)
	if err != nil {
		return err
	}
	n := b[2]
	if ok != nil && !ok(n) {
		return d.errorf("%s: bad parameter %d", name, n)
	}
	d.add(name, 3, []byte{n}, nil)
	if apply != nil {
		apply(n)
	}
	return nil
}

// pulse decodes ESC p m t1 t2, the cash drawer kick.
func (d *decoder) pulse() error {
	b, err := d.need("ESC p", 5)
	if err != nil {
		return err
	}
	if m := b[2]; m != 0 && m != 1 && m != '0' && m != '1' {
		return d.errorf("ESC p: bad pin %d", m)
	}
	d.add("ESC p", 5, slices.Clone(b[2:5]), nil)
	return nil
}

// gs decodes GS x [args].
func (d *decoder) gs() error {
	b, err := d.need("GS", 2)
	if err != nil {
		return err
	}
	switch b[1] {
	case '!':
		return d.param("GS !", func(n byte) bool { return n&0x0f <= 7 && n>>4 <= 7 }, func(n byte) { d.size = n })
	case 'V':
		return d.cut()
	case '(':
		return d.gsParen()
	}
	return d.errorf("unknown command GS %#02x", b[1])
}

// cut decodes GS V m, or GS V m n for the functions that feed first.
func (d *decoder) cut() error {
	b, err := d.need("GS V", 3)
	if err != nil {
		return err
	}
	switch m := b[2]; m {
	case 0, 1, '0', '1':
		d.flush()
		d.add("GS V", 3, []byte{m}, nil)
		return nil
	case 65, 66, 97, 98:
		if b, err = d.need("GS V", 4); err != nil {
			return err
		}
		d.flush()
		d.add("GS V", 4, slices.Clone(b[2:4]), nil)
		return nil
	}
	return d.errorf("GS V: bad function %d", b[2])
}

// flush prints a started line, as a cut or a QR code does first.
func (d *decoder) flush() {
	if d.started {
		d.endLine()
	}
}

// gsParen decodes GS ( k pL pH cn fn [data]; other GS ( functions are
// unknown.
func (d *decoder) gsParen() error {
	b, err := d.need("GS (", 5)
	if err != nil {
		return err
	}
	if b[2] != 'k' {
		return d.errorf("unknown command GS ( %#02x", b[2])
	}
	k := int(b[3]) | int(b[4])<<8
	if k < 2 {
		return d.errorf("GS ( k: length %d, want at least 2", k)
	}
	if b, err = d.need("GS ( k", 5+k); err != nil {
		return err
	}
	cn, fn, data := b[5], b[6], slices.Clone(b[7:5+k])
	if cn != 49 {
		return d.errorf("GS ( k: symbol type %d, only QR (49) is known", cn)
	}
	if fn == 81 && d.qr == nil {
		return d.errorf("GS ( k: print QR with no data stored")
	}
	d.add("GS ( k", 5+k, []byte{cn, fn}, data)
	d.symbol(fn, data)
	return nil
}

// symbol applies QR function fn: 80 stores data, 81 prints it.
func (d *decoder) symbol(fn byte, data []byte) {
	switch fn {
	case 80:
		if len(data) > 0 {
			d.qr = data[1:] // data[0] is m, always 48
		}
	case 81:
		d.flush()
		d.r.Lines = append(d.r.Lines, Line{QR: string(d.qr), Align: d.align})
	}
}

// fs decodes FS &, FS .: Chinese mode on and off.
func (d *decoder) fs() error {
	b, err := d.need("FS", 2)
	if err != nil {
		return err
	}
	switch b[1] {
	case '&':
		d.add("FS &", 2, nil, nil)
		d.chinese = true
		return nil
	case '.':
		d.add("FS .", 2, nil, nil)
		d.chinese = false
		return nil
	}
	return d.errorf("unknown command FS %#02x", b[1])
}

// dle decodes DLE EOT n, the real-time status request.
func (d *decoder) dle() error {
	b, err := d.need("DLE", 3)
	if err != nil {
		return err
	}
	if b[1] != eot {
		return d.errorf("unknown command DLE %#02x", b[1])
	}
	if n := b[2]; n < 1 || n > 4 {
		return d.errorf("DLE EOT: bad status kind %d", n)
	}
	d.add("DLE EOT", 3, []byte{b[2]}, nil)
	return nil
}

package pos

import (
	"context"
	"time"
)

// ProductStore keeps the catalogue.
type ProductStore interface {
	Products(ctx context.Context) ([]Product, error)
	// SaveProduct inserts (ID 0) or updates a product and returns it with its ID.
	SaveProduct(ctx context.Context, p Product) (Product, error)
	// ImportProducts saves all products in one transaction, matched by
	// barcode: all of them or none.
	ImportProducts(ctx context.Context, ps []Product) error
	Categories(ctx context.Context) ([]string, error)
}

// SaleStore keeps completed sales and the sale in progress.
type SaleStore interface {
	// NextSaleNo reserves the next order number of the business day.
	NextSaleNo(ctx context.Context, day time.Time, store, till string) (string, error)
	// SaveSale records a sale, its lines, tenders, stock movements and
	// journal entry in one transaction.
	SaveSale(ctx context.Context, s *Sale) error
	Sale(ctx context.Context, id string) (*Sale, error)
	// SalesBetween lists sales with from <= At < to, newest first.
	SalesBetween(ctx context.Context, from, to time.Time) ([]*Sale, error)
	LastSale(ctx context.Context) (*Sale, error)
}

// CartStore keeps the open cart and held (挂单) carts, so a sale in
// progress survives a restart.
type CartStore interface {
	SaveCart(ctx context.Context, c *Cart, held bool) error
	DeleteCart(ctx context.Context, id string) error
	CurrentCart(ctx context.Context) (*Cart, error) // nil when there is none
	HeldCarts(ctx context.Context) ([]*Cart, error)
}

// SettingsStore keeps the shop's settings.
type SettingsStore interface {
	Settings(ctx context.Context) (Settings, error)
	SaveSettings(ctx context.Context, s Settings) error
}

// PaymentStore keeps payment attempts. SavePayment is called before every
// side effect that leaves the saved state.
type PaymentStore interface {
	SavePayment(ctx context.Context, p Payment) error
	Payment(ctx context.Context, id string) (Payment, error)
	PaymentsForSale(ctx context.Context, saleID string) ([]Payment, error)
	OpenPayments(ctx context.Context) ([]Payment, error)
}

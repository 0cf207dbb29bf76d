package i18n

// Products are the operator's names for its books, by language: what Alipay calls 集分宝, 余额宝,
// 花呗 and 宝点, another operator calls otherwise (Tenpay's points are 彩贝积分). Messages name
// them as {{.Points}}, {{.Fund}}, {{.Credit}} and {{.Stored}}, filled from the operator's closure
// policy ([products] in its file), so no operator shows another's brands (issue 18).
type Products map[string]ProductNames

// ProductNames are one language's product names.
type ProductNames struct {
	Points string `toml:"points" json:"points"`
	Fund   string `toml:"fund" json:"fund"`
	Credit string `toml:"credit" json:"credit"`
	Stored string `toml:"stored" json:"stored"`
}

// genericProducts are the names an operator that names none gets: what the books are. The
// English ones stand as titles and book names; English sentences say what the book is.
var genericProducts = Products{
	Chinese: {Points: "积分", Fund: "货币基金", Credit: "信用额度", Stored: "储值余额"},
	English: {Points: "Points", Fund: "Money-market fund", Credit: "Credit line", Stored: "Stored value"},
}

// SetProducts names the operator's products; a name left empty keeps the generic one. Call it
// once, before the catalog serves.
func (c *Catalog) SetProducts(p Products) {
	names := map[string]map[string]any{}
	for _, lang := range []string{Chinese, English} {
		g, own := genericProducts[lang], p[lang]
		names[lang] = map[string]any{"Points": or(own.Points, g.Points), "Fund": or(own.Fund, g.Fund),
			"Credit": or(own.Credit, g.Credit), "Stored": or(own.Stored, g.Stored)}
	}
	c.products = names
}

// Product is the operator's name of a product ("Fund") in lang.
func (c *Catalog) Product(lang, key string) string {
	if s, ok := c.productNames(lang)[key].(string); ok {
		return s
	}
	return key
}

func (c *Catalog) productNames(lang string) map[string]any {
	if n, ok := c.products[lang]; ok {
		return n
	}
	return c.products[Chinese]
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

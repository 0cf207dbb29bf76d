package certificate

import (
	"strconv"

	"github.com/purse-wallet/purse/document"
	"github.com/purse-wallet/purse/i18n"
)

// PDF renders a signed document for people, in lang, with times in the catalog's zone (the
// operator's): the request id, the policy, every item the statement names and how to verify it
// (the issuer's key set). It does not check the signature; callers hand it documents they issued.
func PDF(raw []byte, cat *i18n.Catalog, lang string) ([]byte, error) {
	return LinkedPDF(raw, cat, lang, "")
}

// LinkedPDF is PDF with a QR code of link, the page where its reader fetches the signed document
// to verify it (the documents link of the notices); with no link, the QR code is the issuer's key
// set, against which a copy of the signed file verifies.
func LinkedPDF(raw []byte, cat *i18n.Catalog, lang, link string) ([]byte, error) {
	st, err := Payload(raw)
	if err != nil {
		return nil, err
	}
	kid := ""
	if obj, err := parseCompact(raw); err == nil && len(obj.Signatures) == 1 {
		kid = obj.Signatures[0].Header.KeyID
	}
	d := Render(st, kid, cat, lang)
	switch {
	case link != "":
		d.QR, d.QRCaption = link, cat.Message(lang, "cert_qr_documents", nil)
	case st.Issuer != "":
		d.QR, d.QRCaption = st.Issuer+JWKSPath, cat.Message(lang, "cert_qr_jwks", nil)
	}
	return document.Certificate(d)
}

// Render is the statement as its reader sees it: every item translated, every time in the
// operator's zone. The documents page shows the same.
func Render(st *Statement, kid string, cat *i18n.Catalog, lang string) document.CertificateData {
	t := func(id string, params map[string]any) string { return cat.Message(lang, id, params) }
	tm := func(v any) string { return cat.FormatTime(lang, derefTime(v)) }
	title := t("cert_title_closure", nil)
	if st.Kind == KindErasure {
		title = t("cert_title_erasure", nil)
	}
	d := document.CertificateData{Title: title, IssuedAt: st.IssuedAt, Fields: [][2]string{
		{t("cert_request", nil), st.ClosureID}, {t("cert_policy", nil), st.Policy}, {t("cert_account", nil), st.AccountID},
		{t("cert_requested_at", nil), tm(st.RequestedAt)}, {t("cert_closed_at", nil), tm(st.ClosedAt)},
		{t("cert_issued_at", nil), tm(st.IssuedAt)}, {t("cert_time_zone", nil), st.TimeZone}, {t("cert_key", nil), kid}}}
	if len(st.Closed) > 0 {
		s := document.Section{Heading: t("cert_section_closed", nil)}
		for _, c := range st.Closed {
			s.Lines = append(s.Lines, t("cert_closed_line", map[string]any{"Item": t("cert_item_"+c.Item, nil),
				"Count": strconv.Itoa(c.Count), "At": tm(c.At)}))
		}
		d.Sections = append(d.Sections, s)
	}
	erased := document.Section{Heading: t("cert_section_erased", nil)}
	if st.Kind == KindClosure {
		erased.Heading = t("cert_section_erase_due", nil)
	}
	for _, e := range st.Erased {
		if e.At != nil {
			erased.Lines = append(erased.Lines, t("cert_erased_at", map[string]any{"Item": t("cert_item_"+e.Item, nil), "At": tm(e.At), "Setting": e.Setting}))
		} else {
			erased.Lines = append(erased.Lines, t("cert_erase_due", map[string]any{"Item": t("cert_item_"+e.Item, nil), "Due": tm(e.Due), "Setting": e.Setting}))
		}
	}
	kept := document.Section{Heading: t("cert_section_kept", nil)}
	for _, k := range st.Kept {
		params := map[string]any{"Item": t("cert_item_"+k.Item, nil), "Why": t("cert_why_"+k.Why, nil), "Setting": k.Setting}
		if k.Indefinite {
			kept.Lines = append(kept.Lines, t("cert_kept_forever", params))
		} else {
			params["Until"] = tm(k.Until)
			kept.Lines = append(kept.Lines, t("cert_kept_until", params))
		}
	}
	d.Sections = append(d.Sections, erased, kept)
	d.Footer = []string{t("cert_verify", map[string]any{"JWKS": st.Issuer + JWKSPath})}
	return d
}

package certificate

import (
	"bytes"
	"encoding/json"
	"strings"
)

func jsonCompact(dst *strings.Builder, src []byte) error {
	var b bytes.Buffer
	if err := json.Compact(&b, src); err != nil {
		return err
	}
	dst.Write(b.Bytes())
	return nil
}

package llm

import (
	"bytes"
	"encoding/json"
	"strings"
)

// orderedValue is a JSON value that keeps the order of object keys.
type orderedValue struct {
	obj  []orderedField // when isObj
	arr  []orderedValue // when isArr
	raw  json.RawMessage
	kind byte // 'o', 'a', or 0 for a scalar in raw
}

type orderedField struct {
	key string
	val orderedValue
}

func (v *orderedValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(b))
		if _, err := dec.Token(); err != nil {
			return err
		}
		v.kind = 'o'
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			var f orderedField
			f.key, _ = t.(string)
			if err := dec.Decode(&f.val); err != nil {
				return err
			}
			v.obj = append(v.obj, f)
		}
	case len(b) > 0 && b[0] == '[':
		v.kind = 'a'
		return json.Unmarshal(b, &v.arr)
	default:
		v.raw = append(json.RawMessage(nil), b...)
	}
	return nil
}

func (v orderedValue) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	switch v.kind {
	case 'o':
		buf.WriteByte('{')
		for i, f := range v.obj {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(f.key)
			buf.Write(k)
			buf.WriteByte(':')
			b, err := f.val.MarshalJSON()
			if err != nil {
				return nil, err
			}
			buf.Write(b)
		}
		buf.WriteByte('}')
	case 'a':
		buf.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				buf.WriteByte(',')
			}
			b, err := e.MarshalJSON()
			if err != nil {
				return nil, err
			}
			buf.Write(b)
		}
		buf.WriteByte(']')
	default:
		if len(v.raw) == 0 {
			return []byte("null"), nil
		}
		buf.Write(v.raw)
	}
	return buf.Bytes(), nil
}

// simplifyUnions replaces "type": [T, "null"] with "type": T everywhere,
// and says in the description what to write instead of null.
func (v *orderedValue) simplifyUnions() {
	switch v.kind {
	case 'a':
		for i := range v.arr {
			v.arr[i].simplifyUnions()
		}
	case 'o':
		simplified := ""
		for i := range v.obj {
			f := &v.obj[i]
			if f.key == "type" && f.val.kind == 'a' {
				var types []string
				for _, e := range f.val.arr {
					var s string
					if json.Unmarshal(e.raw, &s) == nil && s != "null" {
						types = append(types, s)
					}
				}
				if len(types) == 1 {
					raw, _ := json.Marshal(types[0])
					f.val = orderedValue{raw: raw}
					simplified = types[0]
				}
				continue
			}
			f.val.simplifyUnions()
		}
		if simplified == "" {
			return
		}
		empty := `""`
		switch simplified {
		case "integer", "number":
			empty = "0"
		case "boolean":
			empty = "false"
		case "array":
			empty = "[]"
		}
		for i := range v.obj {
			f := &v.obj[i]
			var d string
			if f.key == "description" && json.Unmarshal(f.val.raw, &d) == nil {
				d = strings.ReplaceAll(d, "Null when", empty+" when")
				if !strings.Contains(d, empty+" when") {
					d += " " + empty + " when there is none."
				}
				f.val.raw, _ = json.Marshal(d)
			}
		}
	}
}

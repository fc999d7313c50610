// Command oracle renders template cases with Go's text/template and sprig, configured the way
// External Secrets Operator's template engine v2 configures them (missingkey=error, sprig's
// TxtFuncMap without env/expandenv, toYaml/fromYaml via sigs.k8s.io/yaml). Its output is the
// golden file the TypeScript engine is tested against; it is a dev tool, never shipped.
//
//	go run . < ../golden/cases.json > ../golden/expected.json
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	tpl "text/template"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

type testCase struct {
	Name     string            `json:"name"`
	Template string            `json:"template"`
	Data     map[string]string `json:"data"`
	// DataB64 carries values that are not valid UTF-8.
	DataB64 map[string]string `json:"dataB64,omitempty"`
}

type result struct {
	Name      string `json:"name"`
	OutputB64 string `json:"outputB64,omitempty"`
	Error     bool   `json:"error,omitempty"`
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	funcs := tpl.FuncMap{"toYaml": toYAML, "fromYaml": fromYAML}
	for k, v := range sprig.TxtFuncMap() {
		if k == "env" || k == "expandenv" {
			continue
		}
		funcs[k] = v
	}
	out := make([]result, 0, len(cases))
	for _, c := range cases {
		data := map[string]string{}
		for k, v := range c.Data {
			data[k] = v
		}
		for k, v := range c.DataB64 {
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				panic(err)
			}
			data[k] = string(b)
		}
		r := result{Name: c.Name}
		t, err := tpl.New(c.Name).Option("missingkey=error").Funcs(funcs).Parse(c.Template)
		if err != nil {
			r.Error = true
		} else {
			var buf bytes.Buffer
			if err := t.Execute(&buf, data); err != nil {
				r.Error = true
			} else {
				r.OutputB64 = base64.StdEncoding.EncodeToString(buf.Bytes())
			}
		}
		out = append(out, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}

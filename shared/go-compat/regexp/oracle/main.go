// Command regexp-oracle runs regexp cases through Go's regexp package (what ESO uses for
// find.name.regexp and rewrite regexps). Its output is the golden file regexp-golden.test.ts
// holds the re2js-based engine to; it is a dev tool, never shipped. Standard library only:
//
//	go run . < ../golden/cases.json > ../golden/expected.json
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

type testCase struct {
	Pattern  string `json:"pattern"`
	Input    string `json:"input"`
	Template string `json:"template"`
}

type result struct {
	Compiles bool     `json:"compiles"`
	Matches  bool     `json:"matches"`
	All      []string `json:"all"`
	Replaced string   `json:"replaced"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := make([]result, 0, len(cases))
	for _, c := range cases {
		re, err := regexp.Compile(c.Pattern)
		if err != nil {
			out = append(out, result{All: []string{}})
			continue
		}
		all := re.FindAllString(c.Input, -1)
		if all == nil {
			all = []string{}
		}
		out = append(out, result{true, re.MatchString(c.Input), all, re.ReplaceAllString(c.Input, c.Template)})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}

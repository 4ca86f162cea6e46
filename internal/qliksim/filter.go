package qliksim

import (
	"strconv"
	"strings"
	"unicode"
)

// SCIM-like filters of the identity APIs (GET /groups?filter=, POST /groups/actions/filter, GET /users?filter=):
// comparisons such as name eq "Sales", joined by and/or, grouped by parentheses. Operators and keywords are case
// insensitive ("All conditional statements within this query parameter are case insensitive"); values are
// compared exactly, as group names are case-sensitive.

// filterExpr is a parsed filter; match reports whether an object's fields satisfy it.
type filterExpr interface {
	match(fields func(name string) []string) bool
}

type (
	filterAnd []filterExpr
	filterOr  []filterExpr
)

type filterCmp struct {
	field, op, value string
}

func (f filterAnd) match(fields func(string) []string) bool {
	for _, e := range f {
		if !e.match(fields) {
			return false
		}
	}
	return true
}

func (f filterOr) match(fields func(string) []string) bool {
	for _, e := range f {
		if e.match(fields) {
			return true
		}
	}
	return false
}

// match compares against every value of a field (a user has many group ids); a field without values never
// matches, except for ne.
func (f filterCmp) match(fields func(string) []string) bool {
	vals := fields(f.field)
	if f.op == "ne" {
		for _, v := range vals {
			if v == f.value {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		switch f.op {
		case "eq":
			if v == f.value {
				return true
			}
		case "co":
			if strings.Contains(strings.ToLower(v), strings.ToLower(f.value)) {
				return true
			}
		case "sw":
			if strings.HasPrefix(strings.ToLower(v), strings.ToLower(f.value)) {
				return true
			}
		}
	}
	return false
}

type filterParser struct {
	toks    []string
	pos     int
	allowed map[string]bool // filterable fields
}

// parseFilter parses src; allowed lists the fields that may be filtered on.
func parseFilter(src string, allowed ...string) (filterExpr, error) {
	toks, err := tokenizeFilter(src)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, allowed: map[string]bool{}}
	for _, a := range allowed {
		p.allowed[a] = true
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, &inputError{detail: "filter has unexpected " + strconv.Quote(p.toks[p.pos]) + "."}
	}
	return e, nil
}

func tokenizeFilter(src string) ([]string, error) {
	var toks []string
	for i := 0; i < len(src); {
		c := rune(src[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				return nil, &inputError{detail: "filter has an unterminated string."}
			}
			v, err := strconv.Unquote(src[i : j+1])
			if err != nil {
				return nil, &inputError{detail: "filter has an invalid string: " + src[i:j+1] + "."}
			}
			toks = append(toks, "\x00"+v) // marks a string literal
			i = j + 1
		default:
			j := i
			for j < len(src) && !unicode.IsSpace(rune(src[j])) && src[j] != '(' && src[j] != ')' && src[j] != '"' {
				j++
			}
			toks = append(toks, src[i:j])
			i = j
		}
	}
	if len(toks) == 0 {
		return nil, &inputError{detail: "filter is empty."}
	}
	return toks, nil
}

func (p *filterParser) peekKeyword(kw string) bool {
	return p.pos < len(p.toks) && strings.EqualFold(p.toks[p.pos], kw)
}

func (p *filterParser) or() (filterExpr, error) {
	return p.joined("or", p.and, func(operands []filterExpr) filterExpr { return filterOr(operands) })
}

func (p *filterParser) and() (filterExpr, error) {
	return p.joined("and", p.factor, func(operands []filterExpr) filterExpr { return filterAnd(operands) })
}

// joined parses operands (each with operand) separated by keyword ("or", "and"); two or more make one expression
// by combine, a single one stands for itself.
func (p *filterParser) joined(keyword string, operand func() (filterExpr, error), combine func([]filterExpr) filterExpr) (filterExpr, error) {
	first, err := operand()
	if err != nil {
		return nil, err
	}
	out := []filterExpr{first}
	for p.peekKeyword(keyword) {
		p.pos++
		e, err := operand()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if len(out) == 1 {
		return first, nil
	}
	return combine(out), nil
}

func (p *filterParser) factor() (filterExpr, error) {
	if p.pos >= len(p.toks) {
		return nil, &inputError{detail: "filter ends too early."}
	}
	if p.toks[p.pos] == "(" {
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.toks) || p.toks[p.pos] != ")" {
			return nil, &inputError{detail: "filter misses a closing parenthesis."}
		}
		p.pos++
		return e, nil
	}
	if p.pos+3 > len(p.toks) {
		return nil, &inputError{detail: "filter ends too early: expected <field> <operator> \"<value>\"."}
	}
	field, op, val := p.toks[p.pos], strings.ToLower(p.toks[p.pos+1]), p.toks[p.pos+2]
	if !p.allowed[field] {
		return nil, &inputError{detail: "filter cannot use the field " + strconv.Quote(field) + "."}
	}
	switch op {
	case "eq", "ne", "co", "sw":
	default:
		return nil, &inputError{detail: "filter operator " + strconv.Quote(op) + " is not supported; use eq, ne, co or sw."}
	}
	v, ok := strings.CutPrefix(val, "\x00")
	if !ok {
		return nil, &inputError{detail: "filter value for " + field + " must be a double-quoted string."}
	}
	p.pos += 3
	return filterCmp{field: field, op: op, value: v}, nil
}

package qlik

import (
	"fmt"
	"strings"
)

// ItemErrors is a multi-status answer (207) in which Qlik carried out some items or operations of a request and
// refused others: a user PATCH whose operations partly failed, or license assignment actions, which answer per
// subject. Items lists each refusal with Qlik's own code and title.
type ItemErrors struct {
	Method, Path, Host string
	// Status is the HTTP status of the whole answer (207).
	Status  int
	TraceID string
	Items   []ItemError
}

// ItemError is one refused item of a multi-status answer.
type ItemError struct {
	// Item names what was refused: a field of a user PATCH, or a subject of a license action.
	Item   string
	Status string
	Code   string
	Title  string
	Detail string
}

func (e *ItemErrors) Error() string {
	parts := make([]string, 0, len(e.Items))
	for _, it := range e.Items {
		s := it.Item + ":"
		if it.Status != "" {
			s += " " + it.Status
		}
		if it.Code != "" {
			s += " " + it.Code
		}
		if it.Title != "" {
			s += fmt.Sprintf(" %q", it.Title)
		}
		if it.Detail != "" && it.Detail != it.Title {
			s += " (" + it.Detail + ")"
		}
		parts = append(parts, s)
	}
	msg := fmt.Sprintf("%s %s: %d: %d item(s) refused: %s", e.Method, e.Path, e.Status, len(e.Items), strings.Join(parts, "; "))
	if e.TraceID != "" {
		msg += " [trace id: " + e.TraceID + "]"
	}
	return msg
}

// wireItemErrors is the Errors body of a 207 user PATCH.
type wireItemErrors struct {
	Errors []struct {
		wireErrorItem
		Source struct {
			Pointer string `json:"pointer"`
		} `json:"source"`
	} `json:"errors"`
	TraceID flexString `json:"traceId"`
}

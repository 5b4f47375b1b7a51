package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/model"
)

// errorBody is the answer to every failed request but a 422.
type errorBody struct {
	Detail string `json:"detail"`
}

// problem is one entry of a 422 answer.
type problem struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// problemsBody is the answer to a request whose content breaks a rule.
type problemsBody struct {
	Detail []problem `json:"detail"`
}

func detail(c *gin.Context, status int, msg string) {
	c.Header("Cache-Control", "no-store")
	writeJSON(c, status, errorBody{Detail: msg})
}

// writeJSON answers with v as compact JSON, without HTML escaping, the way
// the stored documents are written.
func writeJSON(c *gin.Context, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("server: encode answer: " + err.Error()) // only plain structs are sent
	}
	c.Data(status, "application/json", bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// unprocessable answers 422 listing every problem of err, each located
// under where (body or query); err that is not a validation error is
// reported at where itself.
func unprocessable(c *gin.Context, where string, err error) {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		ve = &model.ValidationError{Problems: []model.FieldError{
			{Path: model.Path{}, Msg: err.Error(), Type: model.TypeValue},
		}}
	}
	body := problemsBody{Detail: make([]problem, len(ve.Problems))}
	for i, p := range ve.Problems {
		loc := append([]any{where}, p.Path...)
		body.Detail[i] = problem{Loc: loc, Msg: p.Msg, Type: p.Type}
	}
	c.Header("Cache-Control", "no-store")
	writeJSON(c, http.StatusUnprocessableEntity, body)
}

// recover turns a panic in a handler into a logged 500, without the
// request's body or headers in the log.
func (s *server) recover(c *gin.Context) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v)
		}
		s.log.Error("handler panicked", logkey.Method, c.Request.Method,
			logkey.Path, c.Request.URL.Path, logkey.Err, fmt.Sprint(v))
		if !c.Writer.Written() {
			detail(c, http.StatusInternalServerError, "internal error")
		}
		c.Abort()
	}()
	c.Next()
}

// logRequests writes one line per request. Only the method, the path
// (never the query or a header, which could carry a key), the status, the
// time taken and the role are logged.
func (s *server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String(logkey.Method, c.Request.Method),
		slog.String(logkey.Path, c.Request.URL.Path),
		slog.Int(logkey.Status, c.Writer.Status()),
		slog.Duration(logkey.Duration, time.Since(start)),
		slog.String(logkey.Role, string(roleFrom(c))),
	)
}

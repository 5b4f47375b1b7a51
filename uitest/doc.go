// Package uitest drives the web page of resident in a real, headless
// Chromium against the real server, as a person would use it: logging in
// through the prompt, reading the table, editing and saving. It holds only
// tests; see browser_test.go for how the browser is found and started.
package uitest

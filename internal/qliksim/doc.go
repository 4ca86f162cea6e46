// Package qliksim is an in-memory, multi-tenant simulator of the Qlik Cloud REST API.
//
// Qlik Cloud has no self-hosted edition, so the provider's tests, its demo and users' own CI run against this
// simulator instead. It is held to the behaviour documented for Qlik Cloud (paths, status codes, per-service error
// bodies, cursor pagination, uniqueness rules) rather than to what a particular client happens to need, so that a
// client bug shows up here the way it would against a real tenant.
//
// Topology: [Start] opens one loopback listener for a register host (the regional host that mints tokens and, later,
// creates tenants) and one per tenant. Each host is reached as http://127.0.0.1:<port>, and a handler knows which
// tenant it serves from the listener it was accepted on, so routing is by host exactly as with real tenant
// hostnames.
//
// Knobs for tests and benchmarks: per-request latency, seeded fault injection (429, 503, connection resets that
// happen after a write was committed), deterministic failure hooks, Qlik's per-tier rate limits, delayed visibility
// of new objects, out-of-band edits, and a request audit.
//
// Apps carry synthetic QVF content described by a size and a seed and generated as a stream, and uploads are
// spooled to disk, so exports, downloads (with Range) and imports of gigabyte apps keep memory flat.
//
// The simulator keeps its own wire structs on purpose and never imports the provider's client, so a client bug
// cannot hide in a shared type.
package qliksim

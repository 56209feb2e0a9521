# formwork: make run starts the demo, make test runs every test.
GO ?= go
FUZZTIME ?= 5s

.PHONY: run test bench generate setup vet fuzz

run:
	$(GO) run ./examples/invoices

generate:
	$(GO) tool templ generate -include-version=false

setup:
	bash scripts/setup.sh

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

test: setup vet
	$(GO) test -count=1 ./...
	$(GO) test -run='^$$' -bench=. -benchtime=1x ./... # each benchmark runs once, so that none breaks unseen
	$(MAKE) fuzz

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeForm$$' -fuzztime=$(FUZZTIME) ./actions
	$(GO) test -run='^$$' -fuzz='^FuzzOpenBound$$' -fuzztime=$(FUZZTIME) ./actions

bench:
	bash scripts/setup.sh bench
	bash scripts/bench.sh
	bash scripts/loadbench.sh
	bash scripts/stressbench.sh

# Shorthands for bin/lab, which does the work (and needs no make on a fresh machine).
.PHONY: run test classroom lint
run:
	bin/lab run
test:
	bin/lab test
classroom:
	bin/lab classroom
lint:
	bin/lab lint

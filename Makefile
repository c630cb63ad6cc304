# The README's two commands, for those who type make: tasks.py does the work.
.PHONY: run test

run:
	python3 tasks.py run $(ARGS)

test:
	python3 tasks.py test $(ARGS)

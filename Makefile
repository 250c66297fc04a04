# From Entropy to Energy: every command a reader or maintainer needs.
# `make book` builds the site; `make test` runs every check CI runs. See README.md.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHAPTER ?=

# The pinned CPU code path (see code/ganbook/seed.py): set before torch is imported, in
# this process and in every kernel that jupytext, nbval and the benchmark start.
export MKL_CBWR := COMPATIBLE
export ATEN_CPU_CAPABILITY := avx2
export ONEDNN_MAX_CPU_ISA := AVX2
export PATH := $(abspath $(BIN)):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Progress bars of the studies: on, unless the caller's environment says GANBOOK_PROGRESS=0
# (read before the line below, which turns them off for everything else).
STUDY_PROGRESS := $(or $(GANBOOK_PROGRESS),1)
# No progress bars in executions whose outputs are stored or compared (see ganbook.train).
export GANBOOK_PROGRESS := 0

.PHONY: book pdf test notebooks experiments verify-studies serve lab lab-flags bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## book: build the site from the stored notebook outputs (nothing is executed)
book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going $(BOOK_FLAGS)
	@echo "Open $(abspath _build/html/index.html)"

## pdf: the whole book as one PDF (LaTeX, xelatex) from the stored outputs, into _build/pdf
# and, when the site is built, into _build/html (its download link). Sphinx works in
# _build/pdf-work, apart from the site's build; needs TeX Live (see README.md, "The PDF").
PDF := from-entropy-to-energy.pdf
PDF_WORK := _build/pdf-work/_build/latex
pdf: $(STAMP)
	rm -f $(PDF_WORK)/$(PDF) _build/pdf/$(PDF) _build/html/$(PDF)
	$(BIN)/jupyter-book build . --builder pdflatex --path-output _build/pdf-work --all -W -n --keep-going
	mkdir -p _build/pdf
	cp $(PDF_WORK)/$(PDF) _build/pdf/$(PDF)
	cp $(PDF_WORK)/$(PDF:.pdf=.log) _build/pdf/
	if [ -d _build/html ]; then cp _build/pdf/$(PDF) _build/html/$(PDF); fi
	@echo "PDF: $(abspath _build/pdf/$(PDF))"

## test: unit tests, notebook checks, the site with -W -n and in a browser, the PDF, the
## pre-commit hooks (ruff, notebooks, actionlint, zizmor), nbval (strict)
test: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/test_site.py --ignore=tests/test_pdf.py
	$(MAKE) --no-print-directory book BOOK_FLAGS=--all
	$(BIN)/python -m pytest tests/test_site.py
	$(BIN)/python -m pytest tests/test_pdf.py
	$(BIN)/pre-commit run --all-files --show-diff-on-failure
	$(BIN)/python tools/package_alone.py

## notebooks: sync each chapters/*.md into its .ipynb and execute it (CHAPTER=02-entropy for one)
notebooks: $(STAMP)
	$(BIN)/python tools/notebooks.py $(CHAPTER)

# A study named ebm-... belongs to ganbook.ebm (energies trained by MCMC), any other to
# ganbook.experiments (GANs); without STUDY, both modules run all of theirs.
STUDY_MODULES = $(if $(STUDY),$(if $(filter ebm-%,$(STUDY)),ganbook.ebm,ganbook.experiments),ganbook.experiments ganbook.ebm)

## experiments: run every study of ganbook.experiments and ganbook.ebm not yet stored (resumable, 2 at a time)
experiments: $(STAMP)
	for module in $(STUDY_MODULES); do \
	  GANBOOK_PROGRESS=$(STUDY_PROGRESS) $(BIN)/python -m $$module --jobs 2 $(STUDY) || exit 1; \
	done

## verify-studies: re-train seed 0 of every study (or STUDY=...) in full; compare with the store
verify-studies: $(STAMP)
	for module in $(STUDY_MODULES); do \
	  GANBOOK_PROGRESS=$(STUDY_PROGRESS) $(BIN)/python -m $$module --verify $(STUDY) || exit 1; \
	done

## serve: serve the built site on http://127.0.0.1:8000
serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

## lab: JupyterLab, in which the chapters' .md files open as notebooks
# No browser (open the URL it prints); --allow-root only as root (containers, Binder-like
# machines), where Jupyter otherwise refuses to start. tests/test_lab.py starts it the same way.
LAB_FLAGS := --ip 127.0.0.1 --notebook-dir . --no-browser $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP)
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	GANBOOK_PROGRESS=1 $(BIN)/jupyter lab $(LAB_FLAGS)

## lab-flags: print the flags `make lab` passes to JupyterLab (read by tests/test_lab.py)
lab-flags:
	@echo $(LAB_FLAGS)

## bench: execute every chapter; time per chapter and slowest cell, peak memory
bench: $(STAMP)
	$(BIN)/python tools/bench.py

clean:
	rm -rf _build

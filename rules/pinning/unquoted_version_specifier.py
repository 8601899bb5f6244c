"""## What it does
Flags a package's version range written without quotes on a shell command line:
`pip install numba>=0.57.1`, `pip3 install setuptools>=41.0.0`, `conda install numpy>=1.26`. Any install of pip, `uv pip`, `uv
tool`, pipx, pipenv, conda, mamba or micromamba is checked, also inside `sh -c '…'`.

## Why is this bad?
`>` is the shell's output redirection. `RUN pip install numba>=0.57.1 scipy==1.11.0` runs
`pip install numba scipy==1.11.0` with its output written to a file named `=0.57.1` in the working
directory: the build succeeds, the version range is gone (pip takes any `numba`, and keeps an older
one already installed), the install's log is missing from the build output, and a stray file ships
in the image. Nothing in the build says so.

A `<` is the shell's input redirection: `pip install "numpy>=1.24",<2` reads a file named `2`, and
the build fails at once; that case needs no linter and is not reported.

A version pinned with `==` (`numba==0.57.1`) has no `>` or `<` and is read as written.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir numba>=0.57.1
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir "numba>=0.57.1"
```

Or pin one version (`numba==0.57.1`), which DF401 asks for anyway. DF401 leaves a word the shell cut
to this rule (one finding per word); once it is quoted, DF401 judges the range.

## Fix safety
Unsafe: the fix puts each word in double quotes (`"numba>=0.57.1"`), so that the install receives the
range the line spells out. That is the point, but a change in behaviour: the install may pick another
release than before (an older one already in the base is upgraded) or fail to resolve where the range
conflicts with another requirement, and its output goes back to the build log. No fix is offered
inside a nested `sh -c` script, whose own quotes the new ones could end.

## References
- [Bash reference: redirections](https://www.gnu.org/software/bash/manual/html_node/Redirections.html)
- [pip: requirement specifiers](https://pip.pypa.io/en/stable/reference/requirement-specifiers/)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.commands import SHELLS, covering
from dflint.model import Dockerfile, PackageOp, SplitWord, Stage
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF408",
    name="unquoted-version-specifier",
    severity=Severity.ERROR,
    summary="A version range written without quotes, which the shell reads as an output redirection",
    fixable=True,
    needs=("pip", "uv", "conda", "pipx", "pipenv"),
)

_MANAGERS = frozenset({"pip", "uv", "conda", "pipx", "pipenv"})


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            for op in instruction.packages:
                if op.manager not in _MANAGERS or op.verb not in ("install", "sync") or not op.command.split_words:
                    continue
                cut = list(_cut_requirements(op))
                if cut:
                    yield _finding(dockerfile, stage, op, cut)


def _cut_requirements(op: PackageOp) -> Iterator[SplitWord]:
    """The package words of the install that the shell cut at an output redirection."""
    for requirement in op.packages:
        split = op.command.cut_by_output(requirement.span)
        if split is not None:
            yield split


def _finding(dockerfile: Dockerfile, stage: Stage, op: PackageOp, cut: list[SplitWord]) -> Finding:
    """One finding per command, as for DF401: the words are one mistake of one command, and one fix
    quotes them all."""
    first, last = cut[0], cut[-1]
    tool = op.program
    if len(cut) == 1:
        name = first.argument.value or first.argument.text
        message = f"the shell cuts `{clip(first.text, 40)}` at `{first.operator}`: {tool} installs any `{clip(name, 30)}`; quote the word"
    else:
        message = (
            f"the shell cuts `{clip(first.text, 32)}` and {len(cut) - 1} more at `>`: {tool} installs them without"
            " their versions; quote the words"
        )
    span = covering(first.span, last.span)
    written = ", ".join(f"`{split.text}` to `{split.target.value or split.target.text}`" for split in cut)
    if len(cut) > 1:
        written += "; the last one gets the output, the others are left empty"
    return Finding(
        META,
        span,
        message,
        stage=stage.name,
        detail=f"`>` is the shell's output redirection: {tool} receives each name with no version and writes its output"
        f" to a file named after the version, in the working directory, which the image keeps ({written}). The build succeeds, the version ranges are lost (an older release"
        " already installed is kept) and the install's log is missing. Quote each word (`\"" + first.text + '"`), or pin'
        " one version with `==`",
        fix=_quote(dockerfile, op, cut),
    )


def _quote(dockerfile: Dockerfile, op: PackageOp, cut: list[SplitWord]) -> Fix | None:
    """Double quotes around each word, where its span holds it exactly and no outer quotes surround it."""
    if any(wrapper in SHELLS for wrapper in op.command.wrappers):
        return None  # inside `sh -c '…'`: the script's own quotes could be ended
    edits: list[Edit] = []
    for split in cut:
        if dockerfile.text[split.span.offset : split.span.end_offset] != split.text:
            return None
        if any(char in split.text for char in '"\\`'):
            return None
        edits += (Edit.insert(split.span.offset, '"'), Edit.insert(split.span.end_offset, '"'))
    title = f"Quote `{clip(cut[0].text, 40)}`" if len(cut) == 1 else f"Quote the {len(cut)} version ranges"
    return Fix.unsafe(title, *edits)

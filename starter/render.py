"""One render, in a process of its own: `python -m starter.render TEMPLATE_URL DST [REF]`.

Reads the answers (a JSON object, already validated by the server) on stdin and
runs `copier copy --trust --defaults --data ...` through Copier's API, tasks
included (the template's post-copy task: `uv lock`, `git init`, first commit).
A process of its own because Copier's tasks change the process's working
directory and environment, and because a render that overruns its time limit
is killed with its process group.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path


def main(argv: list[str]) -> int:
    import copier
    from copier.errors import DirtyLocalWarning

    template_url, dst = argv[0], Path(argv[1])
    vcs_ref = argv[2] if len(argv) > 2 and argv[2] else None
    answers = json.loads(sys.stdin.read())
    if not isinstance(answers, dict):
        print("answers must be a JSON object", file=sys.stderr)
        return 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DirtyLocalWarning)
        copier.run_copy(
            template_url,
            dst,
            data=answers,
            defaults=True,
            unsafe=True,  # the template's own tasks; answers are data, never commands
            vcs_ref=vcs_ref,
            quiet=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

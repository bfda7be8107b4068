"""Where `kyso verify --etsi OUT` writes each file's ETSI TS 119 102-2 validation report.

One file: OUT is the report's file (or, when OUT is a folder, `<name>.etsi.xml` inside it).
Several files: OUT is a folder, made if missing, holding `<name>.etsi.xml` for each file; two
files of the same name would overwrite each other's report, so they are refused before any
verification starts.
"""

from __future__ import annotations

from pathlib import Path

import click

from verifier.report.codes import pick

SUFFIX = ".etsi.xml"


def targets(files: list[Path], out: Path | None, archived: bool, lang: str) -> dict[Path, Path]:
    """Each file's report path (none without --etsi), or a usage error that says what to give
    instead."""
    if out is None:
        return {}
    if archived:
        raise click.UsageError(pick((
            "--etsi không dùng với --archived: báo cáo ETSI của tài liệu đã lưu có trong 'kyso archive export'.",
            "--etsi does not go with --archived: 'kyso archive export' holds an archived document's ETSI report.",
        ), lang))
    if len(files) == 1 and not out.is_dir():
        return {files[0]: out}
    from archive.textsafe import for_terminal

    if out.exists() and not out.is_dir():
        out_ = for_terminal(out)
        raise click.UsageError(pick((
            f"--etsi {out_}: với nhiều tệp, --etsi phải là một thư mục (mỗi tệp một báo cáo), nhưng {out_} là một tệp.",
            f"--etsi {out_}: with several files, --etsi must name a folder (one report per file), but {out_} is a file.",
        ), lang))
    names: dict[str, Path] = {}
    out_map = {}
    for file in files:
        name = file.stem + SUFFIX
        if name in names and names[name] != file:
            first, second = for_terminal(names[name]), for_terminal(file)
            raise click.UsageError(pick((
                f"--etsi: {first} và {second} cùng tên nên báo cáo ETSI của chúng sẽ ghi đè lên nhau; hãy kiểm tra từng tệp riêng.",
                f"--etsi: {first} and {second} share a name, so their ETSI reports would overwrite each other; verify them separately.",
            ), lang))
        names[name] = file
        out_map[file] = out / name
    return out_map


def write(paths: dict[Path, Path], result, lang: str) -> None:
    """A verify_pool.Result's ETSI report written where targets() put it."""
    from archive.storage.fsutil import write_atomic
    from archive.textsafe import for_terminal

    if result.etsi is None or result.path not in paths:
        return
    path = paths[result.path]
    try:
        write_atomic(path, result.etsi, durable=False)
    except OSError as exc:
        from verifier.report.phrased import os_reason

        reason = os_reason(exc)
        raise click.ClickException(pick((
            f"không ghi được báo cáo ETSI vào {for_terminal(path)}: {reason.vi}; hãy kiểm tra đường dẫn và quyền ghi.",
            f"cannot write the ETSI report to {for_terminal(path)}: {reason.en}; check the path and permissions.",
        ), lang)) from exc

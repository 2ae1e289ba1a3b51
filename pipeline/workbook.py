"""The one Excel workbook writer: dataset downloads (XLSX) and the `new-year` workbooks.

Staff fill these workbooks in Excel without the guide open, and readers
download the same layout, so one writer makes both:
- 数据: one header row of Chinese titles with units (数值（亿元）), each header
  cell carrying the field's code and description as a comment; dropdowns
  (data validation) on every enum, boolean and foreign-key column; rows that
  are not to be edited (earlier years' rows in a new-year workbook) locked by
  sheet protection without a password, the rows to fill coloured;
- 说明: what the file is, the steps to fill it and bring it back, and the
  colour legend;
- 选项: the allowed values of each dropdown, with their meaning;
- 字段 (downloads): the data dictionary.

The importer (importer.py) reads the 数据 sheet back, Chinese or code headers.
Output is byte-reproducible: XlsxWriter with a fixed created date, every
list in schema or file order. What does not belong here: which rows a
workbook holds (formats.py, newyear.py) or reading workbooks (importer.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .paths import Layout

DATA_SHEET = "数据"
ABOUT_SHEET = "说明"
OPTIONS_SHEET = "选项"
FIELDS_SHEET = "字段"
EXTRA_ROWS = 500  # rows below the data that keep the dropdowns (and are editable), for new rows

HEAD = "#DDEBF7"
FILL = "#FFF2CC"
MUST = "#FFD966"
LOCKED = "#EDEDED"

# Text that spreadsheet programs may run as a formula (OWASP "CSV injection"),
# including the full-width forms a Chinese input method types.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def formula_like(value: str) -> bool:
    """Whether a spreadsheet would read the text as a formula (also after leading spaces or
    line breaks, which Excel skips). Such text gets Excel's quote prefix in XLSX files and a
    leading `'` in the CSV for Excel (formats.py)."""
    return value.startswith(FORMULA_START) or value.lstrip(" \t\r\n\u00a0\u3000").startswith(
        FORMULA_START)


@dataclass
class Sheet:
    """What goes on the 数据 sheet: headers, typed cells, which rows are open for editing."""

    fields: list[dict[str, Any]]
    labels: list[str]  # header text per field: Chinese title with unit
    rows: list[list[Any]]  # typed values (str, int, float, bool or None), schema order
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # field -> (value, meaning)
    locked_rows: int = 0  # the first N data rows are protected (0: no protection at all)
    must_fill: set[str] = field(default_factory=set)  # empty cells of open rows in these: dark yellow
    highlight_from: int | None = None  # data rows from this index on are new: empty cells coloured


def choices(layout: Layout, schema: dict[str, Any],
            rows_of: dict[str, Callable[[], list[dict[str, str]]]] | None = None,
            ) -> dict[str, list[tuple[str, str]]]:
    """Allowed values of each enum, boolean and foreign-key field, with what they mean.

    `rows_of` gives a table's text records by dataset name when they are already read (the
    build's model); other tables are read from their files."""
    from . import load

    result: dict[str, list[tuple[str, str]]] = {}
    for fld in schema.get("fields", []):
        enum = (fld.get("constraints") or {}).get("enum")
        if enum:
            result[fld["name"]] = [(str(v), "") for v in enum]
        elif fld.get("type") == "boolean":
            result[fld["name"]] = [("TRUE", "是 / true"), ("FALSE", "否 / false")]
    datasets = {d.name: d for d in load.discover(layout)}
    for fk in schema.get("foreignKeys") or []:
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else list(fields or [])
        ref = fk.get("reference") or {}
        target = datasets.get(ref.get("resource") or "")
        ref_fields = ref.get("fields")
        ref_fields = [ref_fields] if isinstance(ref_fields, str) else list(ref_fields or [])
        if len(fields) != 1 or len(ref_fields) != 1 or target is None or not target.csv.exists():
            continue
        from .changes import read_rows

        values: dict[str, str] = {}
        known = (rows_of or {}).get(target.name)
        for record in known() if known else read_rows(target.csv):
            value = record.get(ref_fields[0], "")
            if value and value not in values:
                values[value] = record.get("name_zh") or record.get("title_zh") or ""
        if values:
            result[fields[0]] = list(values.items())
    return result


def typed(text: str, kind: str) -> Any:
    """A canonical CSV cell as the value Excel should hold: numbers as numbers, booleans."""
    if text == "":
        return None
    if kind in ("number", "integer"):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(text) if kind == "integer" and text.lstrip("-").isdigit() else (
            int(number) if number.is_integer() and "." not in text else number)
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def description(fld: dict[str, Any]) -> str:
    """The header comment: field code, then what it holds (Chinese, then English)."""
    parts = [f"字段 {fld['name']}"]
    if fld.get("description"):
        parts.append(str(fld["description"]).strip())
    if fld.get("description_en"):
        parts.append(str(fld["description_en"]).strip())
    return "\n".join(parts)


class Writer:
    """One XlsxWriter workbook with the formats the sheets share."""

    def __init__(self, target: Any, *, title: str, created: dt.datetime,
                 properties: dict[str, str] | None = None) -> None:
        from xlsxwriter import Workbook

        self.book = Workbook(target, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False})
        self.book.set_properties({"title": title, "created": created, **(properties or {})})
        self.bold = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.quoted = self.book.add_format({"quote_prefix": True})
        self._formats: dict[tuple[str | None, bool, bool], Any] = {}
        self._options: list[tuple[str, list[tuple[str, str]]]] = []

    def fmt(self, colour: str | None = None, locked: bool = True, quoted: bool = False) -> Any:
        key = (colour, locked, quoted)
        if key == (None, True, False):
            return None
        if key not in self._formats:
            spec: dict[str, Any] = {}
            if colour:
                spec.update({"bg_color": colour, "pattern": 1})
            if not locked:
                spec["locked"] = False
            if quoted:
                spec["quote_prefix"] = True
            self._formats[key] = self.book.add_format(spec)
        return self._formats[key]

    def data(self, sheet: Sheet) -> None:
        """The 数据 sheet (always the first)."""
        ws = self.book.add_worksheet(DATA_SHEET)
        protected = sheet.locked_rows > 0 or sheet.highlight_from is not None
        head = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                     "bg_color": HEAD, "pattern": 1, "border": 1})
        widths = []
        for col, (fld, label) in enumerate(zip(sheet.fields, sheet.labels, strict=True)):
            ws.write_string(0, col, label, head)
            ws.write_comment(0, col, description(fld), {"x_scale": 2.5, "y_scale": 2})
            widths.append(_width(label))
        for r, row in enumerate(sheet.rows, start=1):
            index = r - 1
            locked = protected and index < sheet.locked_rows
            new = sheet.highlight_from is not None and index >= sheet.highlight_from
            for col, (fld, value) in enumerate(zip(sheet.fields, row, strict=True)):
                colour = LOCKED if locked and protected else None
                if new and value is None:
                    colour = MUST if fld["name"] in sheet.must_fill else FILL
                if value is None:
                    if colour is not None or (protected and not locked):
                        ws.write_blank(r, col, None, self.fmt(colour, locked))
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(r, col, value, self.fmt(colour, locked))
                elif isinstance(value, int | float):
                    ws.write_number(r, col, value, self.fmt(colour, locked))
                else:
                    text = str(value)
                    ws.write_string(r, col, text, self.fmt(colour, locked, formula_like(text)))
                widths[col] = max(widths[col], _width(str(value)))
        last = len(sheet.rows) + (EXTRA_ROWS if protected else 0)
        if protected:
            open_format = self.fmt(None, False)
            for r in range(len(sheet.rows) + 1, last + 1):
                ws.set_row(r, None, open_format)
        for col, width in enumerate(widths):
            ws.set_column(col, col, min(max(width + 2, 8), 60))
        ws.freeze_panes(1, 0)
        if sheet.fields:
            ws.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.fields) - 1)
        self._dropdowns(ws, sheet, max(last, len(sheet.rows) + EXTRA_ROWS))
        if protected:
            # no password: 审阅 -> 撤销工作表保护 opens it; protection prevents slips, not people
            ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True,
                            "insert_rows": True, "delete_rows": True})

    def _dropdowns(self, ws: Any, sheet: Sheet, last: int) -> None:
        names = [f["name"] for f in sheet.fields]
        listed = [(n, sheet.choices[n]) for n in names if sheet.choices.get(n)]
        if not listed:
            return
        titles = {f["name"]: str(f.get("title") or f["name"]) for f in sheet.fields}
        self._options = [(f"{titles[n]}（{n}）", values) for n, values in listed]
        for i, (name, values) in enumerate(listed):
            letter = column_letter(i * 2)
            column = names.index(name)
            ws.data_validation(1, column, last, column, {
                "validate": "list",
                "source": f"='{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
                "input_title": titles[name][:32],
                "input_message": f"从下拉列表中选择（见“{OPTIONS_SHEET}”工作表）"[:255],
                "error_title": "不在可选范围内",
                "error_message": (f"{titles[name]} 只能从下拉列表中选择；可选值见“{OPTIONS_SHEET}”"
                                  "工作表。")[:255],
                "error_type": "stop",
            })

    def table(self, name: str, header: list[str], rows: list[list[Any]],
              widths: list[int]) -> None:
        """A plain sheet: a bold header, then numbers as numbers and text as text."""
        ws = self.book.add_worksheet(name)
        for col, head in enumerate(header):
            ws.write_string(0, col, head, self.bold)
        for r, row in enumerate(rows, start=1):
            for col, cell in enumerate(row):
                if isinstance(cell, int | float) and not isinstance(cell, bool):
                    ws.write_number(r, col, cell)
                else:
                    text = str(cell)
                    ws.write_string(r, col, text, self.quoted if formula_like(text) else None)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

    def about(self, rows: list[tuple[str, str]], steps: list[str], legend: bool) -> None:
        """The 说明 sheet: the given label/text rows, then the steps and the colour legend."""
        ws = self.book.add_worksheet(ABOUT_SHEET)
        ws.set_column(0, 0, 18)
        ws.set_column(1, 1, 100)
        r = 0
        for key, value in rows:
            ws.write_string(r, 0, key, self.bold)
            ws.write_string(r, 1, value, self.quoted if formula_like(value) else self.wrap)
            r += 1
        if steps:
            r += 1 if rows else 0
            ws.write_string(r, 0, "填写步骤（数据更新人员）", self.bold)
            for i, step in enumerate(steps, start=1):
                ws.write_string(r, 1, f"{i}. {step}", self.wrap)
                r += 1
        if legend:
            r += 1
            ws.write_string(r, 0, "颜色说明", self.bold)
            r += 1
            for colour, text in legend_rows():
                ws.write_string(r, 0, "", self.book.add_format(
                    {"bg_color": colour, "pattern": 1, "border": 1}))
                ws.write_string(r, 1, text, self.wrap)
                r += 1

    def close(self) -> None:
        """Write the 选项 sheet (last, so the sheets people read come first) and finish."""
        if self._options:
            options = self.book.add_worksheet(OPTIONS_SHEET)
            for i, (title, values) in enumerate(self._options):
                col = i * 2
                options.write_string(0, col, title, self.bold)
                options.write_string(0, col + 1, "含义", self.bold)
                for r, (value, meaning) in enumerate(values, start=1):
                    options.write_string(r, col, value, self.quoted if formula_like(value) else None)
                    if meaning:
                        options.write_string(r, col + 1, meaning)
                options.set_column(col, col, 22)
                options.set_column(col + 1, col + 1, 24)
        self.book.close()


def legend_rows() -> list[tuple[str, str]]:
    return [
        (HEAD, "蓝色：表头（中文名和单位）；鼠标停在表头上显示字段代码和说明。不要修改表头。"),
        (MUST, "深黄色：必须填写的单元格。"),
        (FILL, "浅黄色：按原报告填写，原报告没有的留空。"),
        (LOCKED, "灰色：已发布的数据，受保护，一般不要修改。确需更正时：“审阅”→“撤销工作表保护”"
                 "（没有密码），导入时用 --reason 写明原因。"),
    ]


def steps(dataset: str, file_name: str) -> list[str]:
    """How to fill the workbook and bring it back, for a staff member on Windows or elsewhere."""
    return [
        "在“数据”工作表中填写；有下拉箭头的单元格从列表中选择（可选值和含义见“选项”工作表）。",
        "数字只填数字：不带单位、千位分隔符；百分数按单位列填写（单位是 % 时，1.52% 填 1.52）。"
        "不要用公式、不要合并单元格、不要隐藏行或工作表。",
        "新的一行加在表格末尾；原报告中没有的行整行删除。",
        "保存为 Excel 工作簿（.xlsx），文件名不变也可以。",
        f"检查：kjj import {file_name} --dataset {dataset} --dry-run"
        "（或 py -m pipeline import …；电脑上没有安装时，见“数据更新指南”中“不安装软件”一节）。",
        "没有错误后去掉 --dry-run 正式写入；屏幕上会显示要提交的文件（git add …）。",
    ]


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def column_letter(index: int) -> str:
    """Excel's column letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

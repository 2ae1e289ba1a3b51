"""The one message catalogue: every code staff can meet, in Chinese and English.

Each entry says what is wrong (`text`) and how to fix it (`fix`); both are
`str.format` templates filled from the issue's parameters plus `value`,
`column` and `row`. Validation codes have a title; the importer's codes
(`import-...`, said before anything is validated or written) have none, and
the guide lists them in a table of their own.
The staff guide lists this catalogue, so every code a staff member can meet
is explained in one place. Nothing else lives here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    fix_zh: str
    fix_en: str


M = Message

CATALOGUE: dict[str, Message] = {
    # --- files and encodings -------------------------------------------------------------
    "encoding-gbk": M(
        "文件是 GBK/GB18030 编码",
        "File is GBK/GB18030 encoded",
        "文件不是 UTF-8，而是中文 Windows 的 GBK/GB18030 编码（第 {row} 行起无法按 UTF-8 读取）。",
        "The file is not UTF-8 but GBK/GB18030 from Chinese Windows (unreadable as UTF-8 from line {row}).",
        "在 Excel 中选择“另存为” → “CSV UTF-8（逗号分隔）(*.csv)”后重新提交；"
        "或运行 python -m pipeline import 文件 --dataset {dataset} 自动转换。",
        'In Excel use Save As -> "CSV UTF-8 (Comma delimited)" and commit again, or run '
        "python -m pipeline import FILE --dataset {dataset} to convert it.",
    ),
    "encoding-utf16": M(
        "文件是 UTF-16 编码",
        "File is UTF-16 encoded",
        "文件是 UTF-16（Excel 的“Unicode 文本”），不是 UTF-8 的 CSV。",
        'The file is UTF-16 (Excel\'s "Unicode Text"), not a UTF-8 CSV.',
        "在 Excel 中选择“另存为” → “CSV UTF-8（逗号分隔）(*.csv)”。",
        'In Excel use Save As -> "CSV UTF-8 (Comma delimited)".',
    ),
    "encoding-unknown": M(
        "无法识别的编码",
        "Unknown encoding",
        "文件第 {row} 行有无法按 UTF-8 读取的字节（{value}）。",
        "Line {row} has bytes that are not valid UTF-8 ({value}).",
        "用 Excel 或文本编辑器把文件另存为 UTF-8 编码的 CSV。",
        "Save the file again as a UTF-8 CSV from Excel or a text editor.",
    ),
    "empty-file": M(
        "文件为空",
        "Empty file",
        "文件没有任何内容。",
        "The file has no content.",
        "第一行写列名（{expected}），从第二行起每行一条数据。",
        "Put the column names ({expected}) on the first line and one record per line after it.",
    ),
    "no-rows": M(
        "只有表头没有数据",
        "Header only",
        "文件只有表头，没有数据行；发布的数据集必须有数据。",
        "The file has a header but no data rows; a published dataset must have rows.",
        "补上数据行，或者删除这个数据集的全部文件。",
        "Add the data rows, or remove every file of this dataset.",
    ),
    "wrong-delimiter": M(
        "分隔符不是逗号",
        "Delimiter is not a comma",
        "表头用“{delimiter}”分隔列，而本项目的 CSV 一律用英文逗号分隔。",
        'The header separates columns with "{delimiter}"; our CSV files always use commas.',
        "在 Excel 中选择“另存为” → “CSV UTF-8（逗号分隔）(*.csv)”，不要用“文本文件（制表符分隔）”或分号。",
        'In Excel use Save As -> "CSV UTF-8 (Comma delimited)", not tab- or semicolon-delimited text.',
    ),
    "file-too-large": M(
        "文件过大",
        "File too large",
        "文件有 {size} 字节，超过上限 {limit} 字节。",
        "The file is {size} bytes, over the limit of {limit} bytes.",
        "检查是否误粘贴了大量内容；确需发布大文件请联系维护人员调整 datasets/package.yml 中的上限。",
        "Check for pasted bulk content; if the file really is this large, ask a maintainer to raise "
        "the limit in datasets/package.yml.",
    ),
    "bom-inside": M(
        "文件中间有 BOM",
        "Byte order mark inside the file",
        "第 {row} 行含有字节顺序标记（BOM，U+FEFF）；BOM 只能出现在文件最开头，通常是两个文件被拼接在一起了。",
        "Line {row} has a byte order mark (BOM, U+FEFF); a BOM may only be the first bytes of a "
        "file, and one inside usually means two files were joined.",
        "在 Excel 中打开并另存为“CSV UTF-8（逗号分隔）(*.csv)”，或用文本编辑器删除该行中的 BOM。",
        'Open it in Excel and Save As "CSV UTF-8 (Comma delimited)", or delete the BOM on that '
        "line in a text editor.",
    ),
    "line-ending": M(
        "行尾符号错误",
        "Broken line endings",
        "第 {row} 行以 CR CR LF 结尾（换行被转换了两次），会被读成多出来的空行。",
        "Line {row} ends with CR CR LF (line ends converted twice), which reads as extra blank lines.",
        "用文本编辑器把换行统一为 LF 或 CRLF 后保存，或在 Excel 中重新另存为“CSV UTF-8（逗号分隔）”。",
        'Convert the line ends to LF or CRLF in a text editor, or Save As "CSV UTF-8 (Comma '
        'delimited)" from Excel again.',
    ),
    "control-in-file": M(
        "文件中有控制字符",
        "Control character in the file",
        "第 {row} 行有控制字符 {char}（如 Ctrl-Z 是旧 DOS 程序的文件结束标记），它不属于任何单元格。",
        "Line {row} has the control character {char} (Ctrl-Z, for instance, is an old DOS "
        "end-of-file mark) outside any cell.",
        "用文本编辑器删除该字符后保存，或在 Excel 中重新另存为“CSV UTF-8（逗号分隔）”。",
        'Delete the character in a text editor, or Save As "CSV UTF-8 (Comma delimited)" from Excel again.',
    ),
    "header-not-first": M(
        "表头不在第一行",
        "Header is not the first line",
        "表头必须是文件的第一行；第一行是 {value}，规定的表头在第 {header_row} 行。",
        "The header must be the first line; line 1 is {value}, and the expected header is on line {header_row}.",
        "删除表头上方的 {extra} 行（标题、说明或空行），使第一行就是：{expected}。",
        "Delete the {extra} line(s) above the header (titles, notes or blank lines) so that line 1 is: {expected}.",
    ),
    "header-whitespace": M(
        "列名有空格",
        "Spaces around a column name",
        "第 {column_number} 列的列名 {value} 开头或结尾有空格或不可见字符。",
        "Column {column_number} is named {value}, with spaces or invisible characters around it.",
        "把列名改成 {expected_label}（不带空格）。",
        "Rename the column {expected_label}, without spaces.",
    ),
    "too-many-columns": M(
        "列数过多",
        "Too many columns",
        "第 {row} 行有 {count} 列，超过上限 {limit} 列。",
        "Line {row} has {count} columns, over the limit of {limit}.",
        "检查是否误粘贴了大量逗号；确需更多列请联系维护人员调整 datasets/package.yml 的 limits。",
        "Check for pasted commas; if the table really is this wide, ask a maintainer to raise "
        "limits in datasets/package.yml.",
    ),
    "too-many-rows": M(
        "行数过多",
        "Too many rows",
        "文件超过 {limit} 行数据。",
        "The file has more than {limit} data rows.",
        "检查是否误粘贴了重复内容；确需更多行请联系维护人员调整 datasets/package.yml 的 limits。",
        "Check for pasted repeats; if the table really is this long, ask a maintainer to raise "
        "limits in datasets/package.yml.",
    ),
    "path-outside": M(
        "路径不在数据目录内",
        "Path outside the datasets folder",
        "{value} 指向数据目录 datasets/ 之外（{reason}）。",
        "{value} points outside the datasets/ folder ({reason}).",
        "把文件本身（不是链接或快捷方式）放进 datasets/ 目录。",
        "Put the file itself, not a link or a URL, inside datasets/.",
    ),
    "schema-missing": M(
        "缺少表结构",
        "Missing Table Schema",
        "数据集 {dataset} 没有表结构文件 {expected}。",
        "Dataset {dataset} has no Table Schema {expected}.",
        "为新数据集复制一个相近的 schemas/*.schema.yaml 并按列修改；或检查 CSV 文件名是否拼错。",
        "Copy a similar schemas/*.schema.yaml for the new dataset and edit its fields, or check the "
        "CSV file name for typos.",
    ),
    "descriptor-invalid": M(
        "描述文件格式错误",
        "Broken descriptor file",
        "无法读取该文件：{reason}。",
        "The file cannot be read: {reason}.",
        "检查所示行附近的缩进、冒号和引号（YAML 用空格缩进，不能用 Tab）。",
        "Check indentation, colons and quotes near that line (YAML indents with spaces, not tabs).",
    ),
    "schema-invalid": M(
        "表结构无效",
        "Invalid Table Schema",
        "表结构不符合 Table Schema 规范：{reason}。",
        "The schema does not follow the Table Schema standard: {reason}.",
        "对照其他 schemas/*.schema.yaml 修正；字段类型只能是 string、integer、number、boolean、date 等标准类型。",
        "Fix it by comparing with the other schemas; field types must be standard ones "
        "(string, integer, number, boolean, date, ...).",
    ),
    "meta-invalid": M(
        "元数据不完整",
        "Incomplete metadata",
        "元数据文件 {reason}。",
        "The metadata file {reason}.",
        "对照其他 datasets/*.meta.yml 补齐：标题和说明须有中英文。",
        "Complete it like the other datasets/*.meta.yml: titles and descriptions in Chinese and English.",
    ),
    "datapackage-stale": M(
        "datapackage.json 不是最新",
        "datapackage.json is out of date",
        "datapackage.json 与数据集、表结构或元数据不一致。",
        "datapackage.json does not match the datasets, schemas or metadata.",
        "运行 python -m pipeline package 重新生成，并一起提交。",
        "Run python -m pipeline package to regenerate it and commit it too.",
    ),
    # --- the project around the data: files, pages, configuration, names ----------------
    "file-outside": M(
        "文件指向仓库之外",
        "File outside the repository",
        "{value} 指向仓库之外或无法解析（{reason}）。",
        "{value} points outside the repository or cannot be resolved ({reason}).",
        "把文件本身（不是链接或快捷方式）放进仓库；指向仓库外的符号链接会把外部文件发布出去。",
        "Put the file itself, not a link, in the repository; a link that leads outside would "
        "publish whatever it points to.",
    ),
    "file-unreadable": M(
        "页面或配置无法读取",
        "Page or configuration unreadable",
        "无法读取该文件：{reason}。",
        "The file cannot be read: {reason}.",
        "用文本编辑器把文件另存为 UTF-8 编码；开头的 --- 之间须是正确的 YAML。",
        "Save the file as UTF-8 in a text editor; what stands between the opening --- lines must be valid YAML.",
    ),
    "page-script": M(
        "页面中有脚本",
        "Script in a page",
        "页面含有 {value}：页面中不能有 <script> 元素。",
        "The page has {value}: pages may not contain <script> elements.",
        "删除脚本；图表用 chart 占位符插入，网站的脚本只来自 web/ 目录。",
        "Remove the script; charts are inserted with the chart placeholder, and the site's scripts come only from web/.",
    ),
    "page-event-handler": M(
        "页面中有事件属性",
        "Event handler attribute in a page",
        "页面含有事件属性 {value}（如 onclick、onerror），它会在浏览器中运行脚本。",
        "The page has the event handler attribute {value} (such as onclick or onerror), which runs script in the browser.",
        "删除该属性。",
        "Remove the attribute.",
    ),
    "unsafe-url": M(
        "不安全的链接地址",
        "Unsafe URL",
        "{value} 是会执行脚本的地址（javascript:、vbscript: 或 data:text/html）。",
        "{value} is an address that runs script (javascript:, vbscript: or data:text/html).",
        "改为 https:// 开头的网址或站内的相对路径。",
        "Use an https:// address or a relative path inside the site.",
    ),
    "foreign-resource": M(
        "页面从其他网站加载资源",
        "Resource loaded from another site",
        "页面从其他网站加载 {value}（{what}）；网站必须自成一体，不向第三方发出请求。",
        "The page loads {value} ({what}) from another site; the site must be self-contained and "
        "make no third-party requests.",
        "把文件下载后放进 docs/assets/，再用相对路径引用；指向其他网站的普通链接 <a href> 不受限制。",
        "Download the file into docs/assets/ and use a relative path; plain links (<a href>) to "
        "other sites stay allowed.",
    ),
    "config-foreign": M(
        "配置从其他网站加载脚本或样式",
        "Configuration loads from another site",
        "mkdocs.yml 的 {what} 引用了其他网站的 {value}。",
        "mkdocs.yml's {what} refers to {value} on another site.",
        "只引用 docs/assets/ 下的文件（相对路径）；网站不向第三方发出请求。",
        "Refer only to files under docs/assets/ (relative paths); the site makes no third-party requests.",
    ),
    "config-analytics": M(
        "配置启用了统计分析",
        "Analytics in the configuration",
        "mkdocs.yml 的 {what} 启用了网站统计分析（会向第三方发送访客信息）。",
        "mkdocs.yml's {what} turns on analytics, which sends visitors' data to a third party.",
        "删除 {what}；本网站不使用第三方统计。",
        "Remove {what}; the site uses no third-party analytics.",
    ),
    "limits-invalid": M(
        "上限设置有误",
        "Broken limit",
        "datasets/package.yml 的 limits.{key} 是 {value}，{reason}。",
        "limits.{key} in datasets/package.yml is {value}: {reason}.",
        "写成正整数，例如 {example}；可用的上限：{allowed}。",
        "Write a positive whole number such as {example}; the limits are: {allowed}.",
    ),
    "name-invalid": M(
        "数据集名称不合规",
        "Invalid dataset name",
        "数据集名称 {value} 不合规：只能用小写英文字母、数字和连字符（如 plan-targets）。",
        "The dataset name {value} is not allowed: use lowercase ASCII letters, digits and hyphens "
        "only (such as plan-targets).",
        "把 CSV、表结构和元数据文件一起改名，例如 {normalised}。",
        "Rename the CSV, its schema and its metadata together, for instance to {normalised}.",
    ),
    "name-reserved": M(
        "数据集名称被保留",
        "Reserved dataset name",
        "数据集名称 {value} 是网站保留的名称（{allowed}），发布时会覆盖网站自己的文件。",
        "The dataset name {value} is reserved by the site ({allowed}); publishing it would "
        "overwrite one of the site's own files.",
        "换一个名称，例如 {value}-data，并把三个文件一起改名。",
        "Choose another name, such as {value}-data, and rename all three files.",
    ),
    # --- header and rows -----------------------------------------------------------------
    "duplicate-label": M(
        "列名重复",
        "Duplicate column name",
        "第 {column_number} 列的列名{value}与前面的列重复。",
        "Column {column_number} repeats the name {value}.",
        "把表头改成规定的列名：{expected}。",
        "Use the expected header: {expected}.",
    ),
    "blank-label": M(
        "列名为空",
        "Blank column name",
        "第 {column_number} 列没有列名。",
        "Column {column_number} has no name.",
        "删除多余的空列，或把表头改成规定的列名：{expected}。",
        "Delete the extra empty column, or use the expected header: {expected}.",
    ),
    "incorrect-label": M(
        "列名不对",
        "Wrong column name",
        "第 {column_number} 列的列名是{value}，应为“{expected_label}”。",
        'Column {column_number} is named {value} but should be "{expected_label}".',
        "表头必须依次是：{expected}（列名区分大小写，不要改名或调换顺序）。",
        "The header must be, in order: {expected} (case-sensitive; do not rename or reorder).",
    ),
    "extra-label": M(
        "多出的列",
        "Extra column",
        "第 {column_number} 列{value}不在表结构中。",
        "Column {column_number} {value} is not in the schema.",
        "删除这一列；如确需新增列，先在 schemas/ 的表结构中加上字段。",
        "Delete the column, or add the field to the schema in schemas/ first.",
    ),
    "missing-label": M(
        "缺少列",
        "Missing column",
        "缺少第 {column_number} 列“{expected_label}”。",
        'Column {column_number} "{expected_label}" is missing.',
        "表头必须依次是：{expected}。",
        "The header must be, in order: {expected}.",
    ),
    "extra-cell": M(
        "多余的单元格",
        "Extra cell",
        "这一行比表头多出单元格（第 {column_number} 列，值 {value}）。",
        "The row has more cells than the header (column {column_number}, value {value}).",
        "删除多余的单元格；若值本身含逗号，请用英文双引号把整个值括起来（Excel 另存为 CSV 会自动处理）。",
        "Remove the extra cell; a value containing a comma must be quoted (Excel does this when "
        "saving as CSV).",
    ),
    "missing-cell": M(
        "缺少单元格",
        "Missing cell",
        "这一行比表头少了单元格（缺 {column} 列）。",
        "The row has fewer cells than the header (column {column} is missing).",
        "补齐这一行的各列；空值也要保留逗号。",
        "Fill in every column of the row; keep the comma even for an empty value.",
    ),
    "blank-row": M(
        "空行",
        "Blank row",
        "这一行是空的（常见于 Excel 表格末尾的空行）。",
        "The row is blank (often left at the end of an Excel sheet).",
        "删除空行后重新保存。",
        "Delete the blank row and save again.",
    ),
    # --- cells ---------------------------------------------------------------------------
    "type-error": M(
        "类型错误",
        "Wrong type",
        "{column} 列应为 {type_zh}，但值是 {value}。",
        "Column {column} must be {type_en}, but the value is {value}.",
        "改成 {type_zh}，例如 {example}。",
        "Write {type_en}, for example {example}.",
    ),
    "unit-in-number": M(
        "数字里带了单位或符号",
        "Unit inside a number",
        "{column} 列是数字列，但值 {value} 带有“{unit}”。",
        'Column {column} holds numbers, but {value} contains "{unit}".',
        "只填数字 {number}；单位写在 unit 列（或表结构）里，百分数填 12 而不是 12%，"
        "“多”“以上”“不少于”写在 qualifier 列。不要把 1.2万 直接改成 1.2：请换算成该列的单位。",
        "Write only the number {number}; the unit belongs in the unit column or the schema (12, "
        "not 12%), and 多/以上/不少于 in the qualifier column. Do not just drop the unit: "
        "convert to the column's unit.",
    ),
    "thousands-separator": M(
        "数字里有千位分隔符",
        "Thousands separator in a number",
        "{column} 列的值 {value} 含有千位分隔符。",
        "Column {column} has a thousands separator in {value}.",
        "去掉逗号，写成 {number}（在 Excel 中把单元格格式设为“常规”再另存）。",
        "Remove the separators: {number} (set the cell format to General in Excel and save again).",
    ),
    "scientific-notation": M(
        "数字被写成科学计数法",
        "Number in scientific notation",
        "{column} 列的值 {value} 是科学计数法，常见于 Excel 把长数字显示为 1.1E+05。",
        "Column {column} has {value} in scientific notation, as Excel shows long numbers.",
        "写出完整数字 {number}（在 Excel 中把单元格格式设为“数值”或“常规”）。",
        "Write the full number {number} (set the cell format to Number or General in Excel).",
    ),
    "fullwidth-characters": M(
        "全角字符",
        "Full-width characters",
        "{column} 列的值 {value} 含有全角数字、字母或符号。",
        "Column {column} has full-width digits, letters or signs in {value}.",
        "改用半角（英文输入法）输入：{normalised}。",
        "Type it with half-width (ASCII) characters: {normalised}.",
    ),
    "whitespace": M(
        "首尾有空格",
        "Leading or trailing space",
        "{column} 列的值 {value} 开头或结尾有空格（含不间断空格或全角空格）。",
        "Column {column} has spaces (including non-breaking or ideographic ones) around {value}.",
        "删除首尾空格：{normalised}。",
        "Remove the surrounding spaces: {normalised}.",
    ),
    "invisible-character": M(
        "不可见字符",
        "Invisible character",
        "{column} 列的值 {value} 含有不可见的零宽字符（常见于从网页复制）。",
        "Column {column} has an invisible zero-width character in {value} (often pasted from the web).",
        "重新手工输入这个单元格，或删除其中的不可见字符：{normalised}。",
        "Retype the cell or remove the invisible characters: {normalised}.",
    ),
    "formula-like": M(
        "像公式的文本",
        "Text that looks like a formula",
        "{column} 列的值 {value} 以“{prefix}”开头，电子表格软件会把它当作公式执行。",
        'Column {column} has {value}, which starts with "{prefix}" and would run as a spreadsheet formula.',
        "去掉开头的符号，或改写文字使其不以 = + - @、Tab 或回车开头。",
        "Remove the leading sign, or reword so the text does not start with = + - @, a tab or a return.",
    ),
    "mojibake": M(
        "乱码（UTF-8 被当成 GBK 打开后保存）",
        "Mojibake (UTF-8 opened as GBK and saved)",
        "{column} 列的 {value} 是乱码，原文应是“{original}”。这是用 Excel 直接双击打开 UTF-8 的 CSV"
        "（Excel 按 GBK 读入）再保存造成的。",
        "{value} in column {column} is mojibake of “{original}”: the UTF-8 CSV was opened in Excel "
        "as GBK and saved again.",
        "不要保存这个文件：用 git 恢复原文件（git checkout -- 文件名），或从网站重新下载 .xlsx 修改后用 "
        "python -m pipeline import 导入；要用 Excel 打开 CSV，请用“数据”→“从文本/CSV”并选 UTF-8。",
        "Do not keep this file: restore it (git checkout -- FILE) or download the .xlsx from the site, "
        "edit it and bring it back with python -m pipeline import; in Excel open CSV files through "
        "Data -> From Text/CSV with UTF-8.",
    ),
    "year-on-year-jump": M(
        "与上一年相比变化超过 5 倍",
        "More than 5-fold change from the year before",
        "{key} 的数值 {value} 是 {previous_year} 年（{other}）的 {factor} 倍，请核对。",
        "{key}: {value} is {factor} times the {previous_year} figure ({other}); please check it.",
        "核对小数点和单位（常见错误：小数点错位、万元与亿元混用）；数字确实无误时不用改。",
        "Check the decimal point and the unit (a shifted decimal point, 万 vs 亿); if the figure is right, leave it.",
    ),
    "markup": M(
        "文本中有尖括号",
        "Angle brackets in text",
        "{column} 列的值 {value} 含有 < 或 >，可能是网页代码。",
        "Column {column} has < or > in {value}, which may be web markup.",
        "删除尖括号；表示大小关系请用“小于”“大于”等文字。",
        'Remove the angle brackets; write "less than" or "greater than" in words.',
    ),
    "template-syntax": M(
        "文本中有模板语法",
        "Template syntax in text",
        "{column} 列的值 {value} 含有 {{{{、{{% 之类的模板语法。",
        "Column {column} has template syntax such as {{{{ or {{% in {value}.",
        "删除这些符号；数据中的文字会原样显示，不需要任何标记。",
        "Remove them; text from the data is shown as it is and needs no markup.",
    ),
    "unsafe-link": M(
        "不安全的链接",
        "Unsafe link",
        "{column} 列的值 {value} 含有 javascript: 链接。",
        "Column {column} has a javascript: link in {value}.",
        "删除该链接；数据中不应包含脚本链接。",
        "Remove the link; data must not contain script links.",
    ),
    "hidden-character": M(
        "控制字符或隐藏字符",
        "Control or hidden character",
        "{column} 列的值 {value} 含有看不见的字符 {char}（控制字符、文字方向控制符、换行分隔符或填充字符）。",
        "Column {column} has the hidden character {char} in {value} (a control, bidi, "
        "line-separator or filler character).",
        "重新手工输入这个单元格，不要从网页或其他软件粘贴；去掉后应为：{normalised}。",
        "Retype the cell instead of pasting it; without the character it reads: {normalised}.",
    ),
    "lookalike-character": M(
        "形似字母",
        "Look-alike letter",
        "{column} 列的代码 {value} 含有 {char}，它看起来像英文字母“{looks_like}”，但不是同一个字符。",
        'Column {column} has the code {value} with {char}, which looks like the Latin letter '
        '"{looks_like}" but is a different character.',
        "用英文输入法重新输入这个代码：{normalised}。",
        "Retype the code with an English keyboard layout: {normalised}.",
    ),
    "number-format": M(
        "数字写法不规范",
        "Number not in plain form",
        "{column} 列的值 {value} 不是规范的数字写法（只能用半角数字 0-9、可选的负号和小数点，"
        "不能有正号、下划线、省略整数部分的小数或其他文字的数字）。",
        "Column {column} has {value}, which is not a plain number (ASCII digits 0-9 with an "
        "optional minus sign and decimal part; no plus sign, underscore, bare decimal point or "
        "digits of other scripts).",
        "改写为：{normalised}。",
        "Write it as: {normalised}.",
    ),
    "number-not-finite": M(
        "不是有限的数字",
        "Not a finite number",
        "{column} 列的值 {value} 表示“非数字”或“无穷大”，不是一个数字。",
        "Column {column} has {value}, which means not-a-number or infinity, not a figure.",
        "填写实际数字；数字未知时留空。",
        "Enter the actual figure; leave the cell empty when it is unknown.",
    ),
    "number-too-long": M(
        "数字位数过多",
        "Number with too many digits",
        "{column} 列的数字 {value} 有 {length} 位，超过上限 {limit} 位。",
        "Column {column} has a number of {length} digits, over the limit of {limit}.",
        "检查是否误粘贴或多打了数字；统计数字不会有这么多位。",
        "Check for pasted or repeated digits; no figure has that many.",
    ),
    "cell-too-long": M(
        "单元格过长",
        "Cell too long",
        "{column} 列的值有 {length} 个字符，超过上限 {limit}。",
        "Column {column} has {length} characters, over the limit of {limit}.",
        "检查是否误粘贴了大段内容，把说明压缩到 {limit} 字以内。",
        "Check for pasted bulk text and shorten it to {limit} characters.",
    ),
    "date-format": M(
        "日期格式不对",
        "Wrong date format",
        "{column} 列的日期 {value} 不是“年-月-日”格式。",
        "Column {column} has the date {value}, which is not year-month-day.",
        "写成 ISO 8601 格式，例如 {normalised}（在 Excel 中把单元格格式设为“yyyy-mm-dd”）。",
        "Write it as ISO 8601, for example {normalised} (cell format yyyy-mm-dd in Excel).",
    ),
    # --- constraints and keys ------------------------------------------------------------
    "required": M(
        "必填项为空",
        "Required value missing",
        "{column} 列是必填项，但这一行是空的。",
        "Column {column} is required but empty in this row.",
        "填写 {column}（含义：{meaning}）。",
        "Fill in {column} ({meaning}).",
    ),
    "enum": M(
        "不在允许的取值中",
        "Value not allowed",
        "{column} 列的值 {value} 不在允许的取值中。",
        "Column {column} has {value}, which is not an allowed value.",
        "只能填：{allowed}（或留空，若该列不是必填）。",
        "Use one of: {allowed} (or leave it empty if the column is optional).",
    ),
    "pattern": M(
        "格式不符",
        "Wrong format",
        "{column} 列的值 {value} 不符合规定格式 {pattern}。",
        "Column {column} has {value}, which does not match the format {pattern}.",
        "按格式填写，例如 {example}；代码只用小写英文字母、数字和连字符。",
        "Follow the format, for example {example}; codes use lowercase letters, digits and hyphens.",
    ),
    "minimum": M(
        "数值太小",
        "Value too small",
        "{column} 列的值 {value} 小于允许的最小值 {limit}。",
        "Column {column} has {value}, below the minimum {limit}.",
        "检查数值是否输错（如多了负号或年份输错）。",
        "Check the value for typos (a stray minus sign, a mistyped year).",
    ),
    "maximum": M(
        "数值太大",
        "Value too large",
        "{column} 列的值 {value} 大于允许的最大值 {limit}。",
        "Column {column} has {value}, above the maximum {limit}.",
        "检查数值是否输错（如比例超过 100、年份多输一位）。",
        "Check the value for typos (a share over 100, a year with an extra digit).",
    ),
    "max-length": M(
        "文字过长",
        "Text too long",
        "{column} 列的值长度超过上限 {limit} 个字符：{value}。",
        "Column {column} is longer than {limit} characters: {value}.",
        "把文字压缩到 {limit} 个字符以内。",
        "Shorten the text to at most {limit} characters.",
    ),
    "constraint": M(
        "不满足约束",
        "Constraint not met",
        "{column} 列的值 {value} 不满足约束 {constraint}={limit}。",
        "Column {column} has {value}, which breaks the constraint {constraint}={limit}.",
        "按表结构中的约束修改该值。",
        "Change the value to meet the schema's constraint.",
    ),
    "unique": M(
        "值重复",
        "Duplicate value",
        "{column} 列的值 {value} 与第 {other_row} 行重复，而这一列要求唯一。",
        "Column {column} repeats {value} from row {other_row}; the column must be unique.",
        "删除重复行或改正其中一个值。",
        "Delete the duplicate row or correct one of the values.",
    ),
    "primary-key": M(
        "主键重复",
        "Duplicate key",
        "{key} 的组合 {value} 与第 {other_row} 行重复（同一指标同一年份只能有一行）。",
        "The key {key} = {value} repeats row {other_row} (one row per indicator and year).",
        "删除重复的一行，或改正年份或代码。",
        "Delete the duplicate row, or correct its year or code.",
    ),
    "foreign-key": M(
        "引用不存在",
        "Reference not found",
        "{column} 列的值 {value} 在 {reference} 中不存在。",
        "Column {column} has {value}, which does not exist in {reference}.",
        "改成 {reference} 中已有的代码（如 {example}），或先在 {reference_file} 中添加该代码。",
        "Use a code that exists in {reference} (such as {example}), or add it to {reference_file} first.",
    ),
    "frictionless": M(
        "数据错误",
        "Data error",
        "frictionless 校验报告：{reason}",
        "frictionless reports: {reason}",
        "按提示修改后重新校验。",
        "Fix as described and validate again.",
    ),
    # --- project checks across rows ------------------------------------------------------
    "range-order": M(
        "区间上下限颠倒",
        "Range upper end below lower end",
        "上限 value_max={value} 小于数值 value={lower}。",
        "value_max={value} is below value={lower}.",
        "区间（如 3-5）把小的数写在 value 列，大的写在 value_max 列。",
        "For a range such as 3-5 put the smaller number in value and the larger in value_max.",
    ),
    "range-with-qualifier": M(
        "区间不能再带限定词",
        "Range with a qualifier",
        "这一行同时填了上限 value_max 和限定词“{qualifier}”。",
        'The row has both value_max and the qualifier "{qualifier}".',
        "区间只填 value 和 value_max；“多”“以上”“不少于”只用于单个数值。",
        "A range needs only value and value_max; 多, 以上 and 不少于 are for single values.",
    ),
    "derivation-missing": M(
        "推算值缺少推算方法",
        "Derived value without a method",
        "derived 为 true，但 derivation 列是空的。",
        "derived is true but the derivation column is empty.",
        "在 derivation 列写明怎样推算（例如“2020年总数减去2020年净增数”）。",
        "Say in the derivation column how the value was worked out.",
    ),
    "derivation-unexpected": M(
        "非推算值填了推算方法",
        "Derivation on a stated value",
        "derived 为 false，但 derivation 列有内容：{value}。",
        "derived is false but the derivation column says {value}.",
        "若该值是推算的，把 derived 改为 true；否则清空 derivation 列。",
        "Set derived to true if the value is derived; otherwise empty the derivation column.",
    ),
    "inconsistent-definition": M(
        "同一指标各年写法不一致",
        "Indicator defined differently across years",
        "指标 {key} 的 {column} 在这一行是 {value}，在第 {other_row} 行是 {other}。",
        "Indicator {key} has {column} = {value} here but {other} in row {other_row}.",
        "同一指标每年的名称、单位和领域必须相同；单位或口径变了请新建一个指标代码。",
        "An indicator keeps its names, unit and area every year; use a new code if the unit or "
        "scope changed.",
    ),
    "negative-count": M(
        "个数为负",
        "Negative count",
        "单位为“{unit}”的数值 {value} 是负数。",
        'A figure counted in "{unit}" cannot be negative: {value}.',
        "检查是否多输了负号；减少的数量请用表示“净增”的指标并在说明中写明。",
        "Check for a stray minus sign; record a decrease as a change indicator and explain it.",
    ),
    "stock-flow-mismatch": M(
        "总数与净增数对不上",
        "Total does not match last total plus net increase",
        "{year}年 {stock} = {value}，但 {previous_year}年的 {previous} 加上 {year}年净增 {flow} 等于 {expected}。",
        "{stock} in {year} is {value}, but {previous} in {previous_year} plus the net increase {flow} "
        "is {expected}.",
        "核对这三个数，改正录入错误的一个。",
        "Check the three figures and correct the mistyped one.",
    ),
    "share-mismatch": M(
        "比例与部分、总体对不上",
        "Share does not match its part and whole",
        "{year}年 {share_id} = {value}%，但 {part} ÷ {whole} = {expected}%。",
        "{share_id} in {year} is {value}%, but {part} / {whole} = {expected}%.",
        "核对比例、部分和总体三个数。",
        "Check the share, the part and the whole.",
    ),
    "baseline-missing": M(
        "缺少基期数值",
        "Baseline value missing",
        "目标 {key} 以指标 {value} 的 {year} 年数值为基期，但指标表中没有这一行。",
        "Target {key} uses indicator {value} in {year} as its baseline, but the indicators table has "
        "no such row.",
        "在 indicators.csv 中补上该指标 {year} 年的数值，或改正 baseline_year。",
        "Add the indicator's {year} value to indicators.csv, or correct baseline_year.",
    ),
    "rule-invalid": M(
        "一致性规则有误",
        "Broken consistency rule",
        "元数据中的一致性规则引用了不存在的指标 {value}。",
        "A consistency rule in the metadata names the unknown indicator {value}.",
        "改正 consistency 中的指标代码。",
        "Correct the indicator code under consistency.",
    ),
    # --- importing a workbook (python -m pipeline import): nothing is written -------------
    # Said by the importer before validation; the guide lists them in a table of their own.
    "import-file-missing": M(
        "", "",
        "找不到要导入的文件：{path}",
        "file to import not found: {path}",
        "检查文件名和所在文件夹；文件名含空格时用引号括起来。",
        "Check the file name and folder; put a name with spaces in quotes.",
    ),
    "import-format": M(
        "", "",
        "不支持的文件类型：{suffix}（只接受 .xlsx 和 .csv）",
        "unsupported file type {suffix} (only .xlsx and .csv)",
        "在 Excel 中“另存为” Excel 工作簿 (.xlsx) 或 CSV 文件后再导入；旧版 .xls 请先另存为 .xlsx。",
        "Save the sheet from Excel as an Excel workbook (.xlsx) or a CSV file and import that; save an old .xls as .xlsx first.",
    ),
    "import-xlsx-unreadable": M(
        "", "",
        "无法读取 Excel 文件：{reason}",
        "cannot read the Excel file: {reason}",
        "用 Excel 打开文件确认没有损坏、没有设置密码，然后重新保存为 .xlsx。",
        "Open the file in Excel to check it is not damaged or password-protected, then save it again as .xlsx.",
    ),
    "import-sheet-missing": M(
        "", "",
        "工作簿中没有名为“{sheet}”的工作表（现有：{sheets}）",
        "no sheet named {sheet} in the workbook (found: {sheets})",
        "用 --sheet 指定正确的工作表名称，或把数据放在第一个工作表中。",
        "Name the right sheet with --sheet, or put the data in the first sheet.",
    ),
    "import-encoding": M(
        "", "",
        "无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030",
        "unknown encoding: neither UTF-8 nor GBK/GB18030",
        "在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”，或直接导入 .xlsx 文件。",
        'In Excel use Save As -> "CSV UTF-8 (Comma delimited)", or import the .xlsx file directly.',
    ),
    "import-empty": M(
        "", "",
        "文件中没有表头和数据",
        "the file has no header and no data",
        "确认保存的是有数据的工作表；第一行应为列名。",
        "Check that the saved sheet holds the data; the first row must be the column names.",
    ),
    "import-delimiter": M(
        "", "",
        "列之间用的不是英文逗号（发现“{delimiter}”）",
        "columns are not separated by commas (found {delimiter!r})",
        "在 Excel 中另存为“CSV UTF-8（逗号分隔）”，不要用制表符或分号分隔的格式。",
        'Save from Excel as "CSV UTF-8 (Comma delimited)", not a tab- or semicolon-separated format.',
    ),
    "import-header-missing": M(
        "", "",
        "缺少列：{columns}",
        "missing columns: {columns}",
        "第一行必须包含数据字典中的全部列名（英文列名或中文标题均可），不要删除或改名。",
        "The first row must hold every column of the data dictionary (code names or Chinese titles); do not delete or rename columns.",
    ),
    "import-header-unknown": M(
        "", "",
        "多出不认识的列：{columns}",
        "unknown columns: {columns}",
        "删除这些列，或检查列名是否拼错；列名以数据字典为准。",
        "Delete these columns or correct their spelling; the data dictionary has the names.",
    ),
    "import-header-duplicate": M(
        "", "",
        "列名重复：{columns}",
        "duplicate columns: {columns}",
        "每一列只能出现一次；删除重复的列。",
        "Each column may appear once; delete the repeated ones.",
    ),
    "import-ragged-row": M(
        "", "",
        "第 {row} 行有 {cells} 个单元格，表头有 {columns} 列",
        "row {row} has {cells} cells, the header has {columns} columns",
        "检查该行是否多了逗号或少填了单元格；在 Excel 中删除表格右侧多余的内容。",
        "Check the row for an extra comma or a missing cell; in Excel delete anything to the right of the table.",
    ),
    "import-sheet-hidden": M(
        "", "",
        "要导入的工作表“{sheet}”在 Excel 中是隐藏的，没有导入",
        "the sheet {sheet} is hidden in Excel; nothing was imported",
        "在 Excel 中右键工作表标签→“取消隐藏”，确认内容无误后保存再导入；或用 --sheet 明确指定要导入的工作表。",
        "In Excel right-click the sheet tab -> Unhide, check the contents and save before importing; or name the sheet with --sheet.",
    ),
    "import-formula-uncached": M(
        "", "",
        "{file} 工作表“{sheet}”中有 {count} 个公式没有计算结果：{cells}",
        "{count} formula(s) in {file}, sheet {sheet}, have no computed value: {cells}",
        "用 Excel 打开文件，按 F9 重新计算后保存（其他程序生成的表格不会保存公式结果）；或把这些单元格“复制”→“选择性粘贴”→“数值”。",
        "Open the file in Excel, press F9 to recalculate and save (other programs do not save formula results); or copy the cells and paste them as values.",
    ),
    "import-percent-cell": M(
        "", "",
        "{place}（{title}）是百分比格式，显示为 {shown}，而这一行的单位不是 %",
        "{place} ({title}) is formatted as a percentage ({shown}) but the row's unit is not %",
        "把单元格格式改为“常规”或“数值”，按单位列的单位填写数字；确实是百分比时把单位改为 %。",
        'Format the cell as "General" or "Number" and enter the number in the unit of the unit column; if it really is a percentage, set the unit to %.',
    ),
    "import-delete-refused": M(
        "", "",
        "导入会删除 {count} 行已发布的数据",
        "the import would delete {count} published row(s)",
        "通常是用了旧的表格：重新下载或用 new-year 生成最新的表格再填写。确实要删除这些行时，再次运行并加上 --allow-delete。",
        "Usually an old sheet was used: download or make (new-year) the current one and fill that in. To delete these rows, run again with --allow-delete.",
    ),
    "import-jump": M(
        "", "",
        "{count} 个数字比上一年变化超过 5 倍，请核对",
        "{count} figure(s) changed more than 5-fold from the year before: check them",
        "核对这些数字和单位（常见错误：小数点错位、万元/亿元混用）；确认无误后再次运行并加上 --confirm。",
        "Check these numbers and units (decimal point, 万元 vs 亿元); when they are right, run again with --confirm.",
    ),
    "import-reason-unsafe": M(
        "", "",
        "修订原因不能这样写：{reason}",
        "the revision reason cannot be written like this: {reason}",
        '修订原因只写一句普通的话，如 --reason "据统计公报更正"：不要用尖括号 < >、模板符号 {{ }}、以 = + - @ 开头或写链接；原因会在数据页面和下载文件中公开。',
        'Write the reason as one plain sentence, e.g. --reason "corrected from the statistical bulletin": no < >, no template braces, no leading = + - @, no links; it is published.',
    ),
    "import-too-large": M(
        "", "",
        "文件过大：{what} {size} 字节，超过上限 {limit} 字节",
        "file too large: {what} is {size} bytes, over the limit of {limit}",
        "确认选对了文件；确需导入更大的表格请联系维护人员调整 datasets/package.yml 的 limits。",
        "Check that this is the right file; for bigger tables ask the maintainers to raise the limits in datasets/package.yml.",
    ),
    "import-too-many": M(
        "", "",
        "表格过大：超过 {limit} {what}",
        "sheet too large: more than {limit} {what}",
        "删除表格中多余的行或列（如整列的公式、格式）；确需更大请联系维护人员调整 datasets/package.yml 的 limits。",
        "Delete unused rows or columns (whole-column formulas or formats); for bigger tables ask the maintainers to raise the limits in datasets/package.yml.",
    ),
    "import-reason-required": M(
        "", "",
        "已发布的数字有修改（{count} 处），请用 --reason 说明修订原因",
        "{count} published figure(s) change: give the reason with --reason",
        '再次运行并加上 --reason "修订原因"，原因会记入修订记录并在数据页面上公开。',
        'Run again with --reason "why"; the reason is recorded in the revisions log and shown on the dataset page.',
    ),
}

IMPORT_PREFIX = "import-"  # the codes the importer raises (ImportProblem)

# What the importer changed on the way, said after a successful import.
IMPORT_NOTES: dict[str, dict[str, str]] = {
    "encoding": {"zh": "编码：{encoding}，已转换为 UTF-8",
                 "en": "encoding: {encoding}, converted to UTF-8"},
    "blank-rows": {"zh": "已去掉 {count} 个空行（原表第 {rows} 行）",
                   "en": "dropped {count} blank row(s) (sheet rows {rows})"},
    "reordered": {"zh": "列的顺序已按数据字典调整", "en": "columns put in the schema's order"},
    "titles": {"zh": "已把中文列标题换成字段名", "en": "column titles replaced by field names"},
    "booleans": {"zh": "已把 TRUE/FALSE 写成 true/false", "en": "TRUE/FALSE written as true/false"},
    "percent": {"zh": "{count} 个百分比格式的单元格按显示的百分数读入（如 {example}）",
                "en": "{count} percent-formatted cell(s) read as the percentage shown ({example})"},
    "hidden-sheets": {"zh": "注意：工作簿中有隐藏的工作表（{sheets}），没有导入",
                      "en": "note: hidden sheet(s) {sheets} were not imported"},
    "hidden-chosen": {"zh": "注意：导入的工作表“{sheet}”在 Excel 中是隐藏的",
                      "en": "note: the imported sheet {sheet} is hidden in Excel"},
    "hidden-rows": {"zh": "注意：第 {rows} 行在 Excel 中是隐藏的，也一并导入了",
                    "en": "note: hidden rows {rows} were imported as well"},
    "hidden-columns": {"zh": "注意：{columns} 列在 Excel 中是隐藏的，也一并导入了",
                       "en": "note: hidden columns {columns} were imported as well"},
}


TYPE_NAMES = {
    # type -> (Chinese name, English name, example)
    "integer": ("整数", "a whole number", "2020"),
    "number": ("数字", "a number", "49.3"),
    "boolean": ("true 或 false", "true or false", "false"),
    "date": ("日期（年-月-日）", "a date (YYYY-MM-DD)", "2020-01-05"),
    "year": ("年份", "a year", "2020"),
    "string": ("文字", "text", "高新技术企业"),
}

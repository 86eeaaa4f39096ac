"""Printed directories written for the tests with fpdf2 (made-up people and plans).

``three_columns`` lays entries out as insurers print them: a cover, a section
of another specialty, then behavioural-health pages with a running header, a
page number, a document code and a legend of codes on each page, three columns
that entries flow through (so one entry is split across columns and pages).
``one_column`` prints an association's list: salutation and titles before the
name, or numbered entries.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

PAGE_H = 279.0
TOP, BOTTOM = 28.0, 225.0
COLUMNS = (12.0, 78.0, 144.0)
PITCH = 4.6


class _Directory(FPDF):
    def __init__(self, header: str) -> None:
        super().__init__(unit="mm", format="Letter")
        self.running = header
        self.set_auto_page_break(False)

    def furniture(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.text(12, 12, "ACME.22.777.1.066")
        self.text(12, 20, "Springfield County")
        self.text(110, 20, self.running)
        self.text(190, 12, str(self.page_no()))
        self.set_font("Helvetica", "", 7)
        self.text(12, 250, "W =Wheelchair PT =Near public transit B =Board Certified")
        self.text(
            12, 254, "P =Parking R =Restroom. Unless noted, all providers accept new patients."
        )


class _Flow:
    """Lines poured into three columns, page after page."""

    def __init__(self, pdf: _Directory) -> None:
        self.pdf, self.col, self.y = pdf, 0, TOP
        self.new_page()

    def new_page(self) -> None:
        self.pdf.add_page()
        self.pdf.furniture()
        self.col, self.y = 0, TOP

    def line(
        self, text: str, bold: bool = False, indent: float = 0.0, centre: bool = False
    ) -> None:
        if self.y > BOTTOM:
            self.col += 1
            self.y = TOP
            if self.col == len(COLUMNS):
                self.new_page()
        self.pdf.set_font("Helvetica", "B" if bold else "", 8)
        x = COLUMNS[self.col] + indent
        if centre:
            x = COLUMNS[self.col] + (60 - self.pdf.get_string_width(text)) / 2
        self.pdf.text(x, self.y, text)
        self.y += PITCH

    def gap(self, lines: float = 1.0) -> None:
        self.y += PITCH * lines


def _entry(flow: _Flow, person: dict[str, str], office: tuple[str, str, str]) -> None:
    flow.line(person["name"], bold=True)
    flow.line(f"Group Name: {person['group']}", bold=True)
    flow.line(f"Provider ID: {person['pid']}", bold=True)
    flow.line(f"NPI: {person['npi']}")
    flow.line(office[0])
    flow.line(office[1])
    flow.line(f"{office[2]}, W, P,")
    flow.line("R, PT")
    flow.line("Languages Spoken:")
    flow.line(f"Provider: {person['lang']}", indent=3)
    flow.line("Staff: Spanish", indent=3)
    flow.line("Mo-Fr - 9:00 AM - 5:00 PM")
    flow.line(person.get("accepting", "Accepting New Patients"))
    flow.line("Ages: 18-99")
    flow.line("Hospital Affiliations:")
    flow.line("Springfield General Hospital", indent=2)
    flow.gap()


PEOPLE = [
    {"name": "Okafor, Adaeze N, LCSW, (F)", "group": "Riverbend Counseling Pllc",
     "pid": "001234567001", "npi": "1234567893", "lang": "Igbo, French"},
    {"name": "Brennan, Thomas, PhD, (M), B", "group": "Brennan Thomas",
     "pid": "002345678001", "npi": "1245319599", "lang": "Irish",
     "accepting": "Does Not Accept New Patients"},
    {"name": "Vasquez-Ortiz, Maria Elena, PMHNP, (F)", "group": "Northside Behavioral Care",
     "pid": "003456789002", "npi": "1003000126", "lang": "Spanish, Portuguese"},
    {"name": "Lindqvist, Erik J, LMHC, (M)", "group": "Harbor Light Associates",
     "pid": "004567890001", "npi": "1003000118", "lang": "Swedish"},
]  # fmt: skip
OFFICES = [
    ("12 Elm St Ste 4", "Springfield, IL 62701", "(217) 555-0142"),
    ("400 Lake Shore Dr", "Springfield, IL 62704", "(217) 555-0199"),
    ("77 Maple Ave Fl 2", "Springfield, IL 62702", "(217) 555-0123"),
]


def three_columns(path: Path) -> Path:
    """A directory: cover, a dental section, then behavioural-health pages."""
    pdf = _Directory("Dental Providers / Proveedores Dentales")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.text(40, 60, "Provider Directory")
    pdf.text(40, 70, "Medicaid Managed Care Program")
    pdf.text(40, 80, "Illinois")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.text(20, 40, "Welcome to")
    pdf.text(20, 46, "Acme Health Plan.")
    pdf.text(20, 56, "This directory lists doctors who participate with Acme Health Plan.")
    flow = _Flow(pdf)
    flow.line("General Dentistry / Odontología General", bold=True, centre=True)
    flow.gap()
    for n in range(10):
        dentist = dict(PEOPLE[0], name=f"Molar{n}, Ann, DDS, (F)", npi="1003000134",
                       pid=f"00900000{n:04d}")  # fmt: skip
        _entry(flow, dentist, OFFICES[n % 3])
    pdf.running = "Behavioral Health Providers / Proveedores De Salud Mental"
    flow.new_page()
    flow.line("Licensed Clinical Social", bold=True, centre=True)
    flow.line("Worker / Trabajador Social", bold=True, centre=True)
    flow.gap()
    _entry(flow, PEOPLE[0], OFFICES[0])
    _entry(flow, PEOPLE[0], OFFICES[1])  # the same clinician at a second office
    flow.line("Psychology / Psicología", bold=True, centre=True)
    flow.gap()
    for i in range(9):
        _entry(flow, PEOPLE[1 + i % 3], OFFICES[i % 3])
    pdf.output(str(path))
    return path


def headings_only(path: Path) -> Path:
    """Sections marked by headings alone (no running header names them); psychology runs
    over several pages without a heading of its own on them, radiology follows. One name
    is printed last in a column, its fields at the top of the next."""
    pdf = _Directory("Provider Directory")
    flow = _Flow(pdf)
    for s, (heading, who, n) in enumerate(
        (("General Dentistry", "Molar", 4), ("Psychology", "Psyche", 24), ("Radiology", "Xray", 6))
    ):
        flow.line(heading, bold=True, centre=True)
        flow.gap()
        for k in range(n):
            person = dict(PEOPLE[0], name=f"{who}{k}, Ann, PhD, (F)", pid=f"00800{s}00{k:04d}")
            if (who, k) == ("Psyche", 10):
                flow.y = max(flow.y, BOTTOM)  # the name last in its column, the rest in the next
            _entry(flow, person, OFFICES[k % 3])
    pdf.output(str(path))
    return path


def one_column(path: Path, numbered: bool = False) -> Path:
    """An association's printout: one column, titles before names, "Tel.:" phones."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    people = [
        ("Frau Dipl.-Psych. Gabriele Scholz", "Psychologische Psychotherapeutin",
         "Musterstraße 5", "10115 Berlin", "Tel.: 030 1234567"),
        ("Herr Dr. phil. Jan Berg", "Psychologischer Psychotherapeut",
         "Lindenallee 12", "10585 Berlin", "Tel.: 030 7654321"),
        ("Frau Dipl.-Psych. Ute Krämer", "Kinder- und Jugendlichenpsychotherapeutin",
         "Hauptstraße 101", "10827 Berlin", "Tel.: 030 2223334"),
    ] * 3  # fmt: skip
    y = 280.0
    for n, person in enumerate(people, 1):
        if y > 240:
            pdf.add_page()
            pdf.set_font("Helvetica", "", 8)
            pdf.text(20, 12, "Psychotherapeutensuche - Ergebnisliste")
            pdf.text(100, 290, f"Seite {pdf.page_no()}")
            y = 30.0
        for k, text in enumerate(person):
            pdf.set_font("Helvetica", "B" if k == 0 else "", 10)
            pdf.text(20, y, f"{n}. {text}" if numbered and k == 0 else text)
            y += 5
        y += 6
    pdf.output(str(path))
    return path


def numbered_list(path: Path) -> Path:
    """An association's search results in English: numbered, one address line, labels."""
    pdf = FPDF(unit="mm", format="Letter")
    pdf.set_auto_page_break(False)
    surnames = "Lopez Osei Novak Haddad Kim Moreau Silva Brandt Okoro Rossi Tanaka Walsh".split()
    people = [
        (f"Maria {surname}, PhD", "Licensed Psychologist",
         "12 Elm St, Ste 4, Springfield, IL 62701", "(217) 555-0142", "Yes")
        if k % 2 == 0 else
        (f"Dr. Samuel {surname}, LCSW", "Clinical Social Worker",
         "400 Lake Shore Dr, Chicago, IL 60611", "(312) 555-0199", "No")
        for k, surname in enumerate(surnames)
    ]  # fmt: skip
    y = 300.0
    for n, (name, title, where, phone, accepting) in enumerate(people, 1):
        if y > 230:
            pdf.add_page()
            pdf.set_font("Helvetica", "", 8)
            pdf.text(20, 10, "Find a Therapist - Search results")
            pdf.text(190, 270, str(pdf.page_no()))
            y = 25.0
        lines = [f"{n}. {name}", title, where, f"Phone: {phone}",
                 f"Accepting new clients: {accepting}"]  # fmt: skip
        for k, text in enumerate(lines):
            pdf.set_font("Helvetica", "B" if k == 0 else "", 10)
            pdf.text(20, y, text)
            y += 5
        y += 6
    pdf.output(str(path))
    return path


def no_text(path: Path) -> Path:
    """What a scanner makes: pages with marks on them and no text layer."""
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 120, 40, style="F")
    pdf.output(str(path))
    return path


def prose(path: Path, contact: bool = False) -> Path:
    """A PDF that is not a directory: an article, or a practice's flyer with one contact block."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    text = (
        "Interpersonal psychotherapy is a time-limited treatment that focuses on "
        "relationships and life events. Our counselors offer individual sessions. "
    ) * 12
    pdf.multi_cell(0, 6, text)
    if contact:
        for k, line in enumerate(["Springfield Counseling Center", "12 Elm St",
                                  "Springfield, IL 62701", "(217) 555-0142"]):  # fmt: skip
            pdf.text(20, 200 + 6 * k, line)
    pdf.output(str(path))
    return path


def article(path: Path) -> Path:
    return prose(path)


def brochure(path: Path) -> Path:
    return prose(path, contact=True)


def encrypted(path: Path) -> Path:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.text(20, 20, "Okafor, Adaeze N, LCSW")
    pdf.output(str(path))
    return path

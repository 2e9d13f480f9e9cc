"""German written → spoken tables, one per class (our own examples)."""

ORDINALS = [
    ("am 3. Mai", "am dritten Mai"),
    ("Am 1. Januar", "Am ersten Januar"),
    ("der 3. Oktober", "der dritte Oktober"),
    ("Der 24. Dezember ist Heiligabend.", "Der vierundzwanzigste Dezember ist Heiligabend."),
    ("vom 3. bis zum 5. Juni", "vom dritten bis zum fünften Juni"),
    ("seit dem 12. März", "seit dem zwölften März"),
    ("bis zum 31. Juli", "bis zum einunddreißigsten Juli"),
    ("der 1. Platz", "der erste Platz"),
    ("die 2. Auflage", "die zweite Auflage"),
    ("das 3. Mal", "das dritte Mal"),
    ("im 19. Jahrhundert", "im neunzehnten Jahrhundert"),
    ("zum 100. Geburtstag", "zum hundertsten Geburtstag"),
    ("ein 2. Versuch", "ein zweiter Versuch"),
    ("den 7. Tag", "den siebten Tag"),
    ("beim 4. Anlauf", "beim vierten Anlauf"),
]

DATES = [
    ("3. Mai 2024", "dritter Mai zweitausendvierundzwanzig"),
    ("24. Juli 2013", "vierundzwanzigster Juli zweitausenddreizehn"),
    ("1. Januar", "erster Januar"),
    ("30. Juni", "dreißigster Juni"),
    ("02.03.2003", "zweiter März zweitausenddrei"),
    ("2.3.2003", "zweiter März zweitausenddrei"),
    ("am 02.03.2003", "am zweiten März zweitausenddrei"),
    ("2003-03-02", "zweiter März zweitausenddrei"),
    ("15. Sept. 2020", "fünfzehnter September zweitausendzwanzig"),
    ("9. Nov. 1989", "neunter November neunzehnhundertneunundachtzig"),
    ("Montag, 3. Mai", "Montag, dritter Mai"),
    ("Ich bin 1990 geboren.", "Ich bin neunzehnhundertneunzig geboren."),
    ("im Jahr 1871", "im Jahr achtzehnhunderteinundsiebzig"),
    ("im Jahr 2024", "im Jahr zweitausendvierundzwanzig"),
    ("am 31.12.99", "am einunddreißigsten Dezember zweitausendneunundneunzig"),
]

TIMES = [
    ("14:30 Uhr", "vierzehn Uhr dreißig"),
    ("08:00 Uhr", "acht Uhr"),
    ("00:15 Uhr", "null Uhr fünfzehn"),
    ("12:03 Uhr", "zwölf Uhr drei"),
    ("23:45 Uhr", "dreiundzwanzig Uhr fünfundvierzig"),
    ("1:00 Uhr", "ein Uhr"),
    ("um 9 Uhr", "um neun Uhr"),
    ("um 1 Uhr", "um ein Uhr"),
    ("2.30 Uhr", "zwei Uhr dreißig"),
    ("Der Zug fährt um 17:05.", "Der Zug fährt um siebzehn Uhr fünf."),
    ("02:02:23 Uhr", "zwei Uhr zwei Minuten dreiundzwanzig Sekunden"),
    ("01:01:01 Uhr", "ein Uhr eine Minute eine Sekunde"),
]

MONEY = [
    ("2,50 €", "zwei Euro fünfzig"),
    ("Es kostet 2,50 €.", "Es kostet zwei Euro fünfzig."),
    ("5 €", "fünf Euro"),
    ("1 €", "ein Euro"),
    ("0,99 €", "neunundneunzig Cent"),
    ("€ 3,20", "drei Euro zwanzig"),
    ("3,20 EUR", "drei Euro zwanzig"),
    ("10 Euro", "zehn Euro"),
    ("1.000 €", "eintausend Euro"),
    ("12,00 €", "zwölf Euro"),
    ("$5", "fünf Dollar"),
    ("20 $", "zwanzig Dollar"),
    ("£10", "zehn Pfund"),
    ("1,5 Mio. €", "eins Komma fünf Millionen Euro"),
    ("1 Mio. €", "eine Million Euro"),
    ("3 Mrd. Euro", "drei Milliarden Euro"),
    ("50 CHF", "fünfzig Franken"),
]

UNITS = [
    ("5 km", "fünf Kilometer"),
    ("1 km", "ein Kilometer"),
    ("3,5 kg", "drei Komma fünf Kilogramm"),
    ("500 g", "fünfhundert Gramm"),
    ("2 l", "zwei Liter"),
    ("250 ml", "zweihundertfünfzig Milliliter"),
    ("120 km/h", "einhundertzwanzig Kilometer pro Stunde"),
    ("-5 °C", "minus fünf Grad Celsius"),
    ("20 °C", "zwanzig Grad Celsius"),
    ("1 h", "eine Stunde"),
    ("2 h", "zwei Stunden"),
    ("30 min", "dreißig Minuten"),
    ("1 min", "eine Minute"),
    ("45 s", "fünfundvierzig Sekunden"),
    ("3 t", "drei Tonnen"),
    ("80 m²", "achtzig Quadratmeter"),
    ("100 kWh", "einhundert Kilowattstunden"),
    ("16 GB", "sechzehn Gigabyte"),
    ("50 %", "fünfzig Prozent"),
    ("1 Stunde", "eine Stunde"),
]

FRACTIONS = [
    ("1/2", "ein halb"),
    ("1/3", "ein Drittel"),
    ("2/3", "zwei Drittel"),
    ("1/4", "ein Viertel"),
    ("3/4", "drei Viertel"),
    ("1/8", "ein Achtel"),
    ("5/8", "fünf Achtel"),
    ("1/10", "ein Zehntel"),
    ("1/100", "ein Hundertstel"),
    ("1 1/2", "eineinhalb"),
    ("2 1/2 Tassen", "zweieinhalb Tassen"),
    ("3 3/4", "drei und drei Viertel"),
    ("½", "ein halb"),
    ("¾ Liter", "drei Viertel Liter"),
]

DECIMALS = [
    ("3,5", "drei Komma fünf"),
    ("0,25", "null Komma zwei fünf"),
    ("-60,2400", "minus sechzig Komma zwei vier null null"),
    ("818,303", "achthundertachtzehn Komma drei null drei"),
    ("1.234,56", "eintausendzweihundertvierunddreißig Komma fünf sechs"),
    ("Pi ist 3,14.", "Pi ist drei Komma eins vier."),
]

CARDINALS = [
    ("42", "zweiundvierzig"),
    ("1.000.000", "eine Million"),
    ("Es waren 250 Leute.", "Es waren zweihundertfünfzig Leute."),
    ("-7", "minus sieben"),
    ("1 Mann", "ein Mann"),
    ("1 Frau", "eine Frau"),
    ("Seite 1", "Seite eins"),
    ("12345", "zwölftausenddreihundertfünfundvierzig"),
    ("18880 Leute", "achtzehntausendachthundertachtzig Leute"),
    ("15000", "fünfzehntausend"),
]

ABBREVIATIONS = [
    ("z. B. Äpfel", "zum Beispiel Äpfel"),
    ("Nr. 5", "Nummer fünf"),
    ("ca. 20 Leute", "circa zwanzig Leute"),
    ("Dr. Müller", "Doktor Müller"),
    ("Äpfel, Birnen usw.", "Äpfel, Birnen und so weiter"),
    ("bzw. morgen", "beziehungsweise morgen"),
]

SENTENCES = [
    ("Die Konferenz findet vom 12. bis 14. Oktober 2025 statt.",
     "Die Konferenz findet vom zwölften bis vierzehnten Oktober zweitausendfünfundzwanzig statt."),
    ("Wir treffen uns am Freitag, den 7. März, um 18:30 Uhr.",
     "Wir treffen uns am Freitag, den siebten März, um achtzehn Uhr dreißig."),
    ("Der Eintritt kostet 12,50 € pro Person.", "Der Eintritt kostet zwölf Euro fünfzig pro Person."),
    ("Am 9.11.1989 fiel die Mauer.", "Am neunten November neunzehnhundertneunundachtzig fiel die Mauer."),
    ("Er lief 100 m in 9,58 s.", "Er lief einhundert Meter in neun Komma fünf acht Sekunden."),
    ("Das Spiel endete 2:1.", "Das Spiel endete zwei zu eins."),
    ("Tel. 030 123456", "Telefon null drei null, eins zwei drei vier fünf sechs"),
    ("Ludwig XIV. war König.", "Ludwig der Vierzehnte war König."),
    ("Heute ist der 3. Oktober.", "Heute ist der dritte Oktober."),
    ("am 3. und 4. Mai", "am dritten und vierten Mai"),
    ("um 07:30 Uhr", "um sieben Uhr dreißig"),
    ("PLZ 01067", "PLZ null eins null sechs sieben"),
    ("Ruf +49 30 123456 an.", "Ruf plus vier neun, drei null, eins zwei drei vier fünf sechs an."),
    ("die Musik der 80er", "die Musik der achtziger"),
    ("in den 1990ern", "in den neunzehnhundertneunzigern"),
    ("Es hat 90 °F.", "Es hat neunzig Grad Fahrenheit."),
    ("Von 1999-2001 lebte er hier.", "Von neunzehnhundertneunundneunzig bis zweitausendeins lebte er hier."),
    ("Es werden 10–20 Grad.", "Es werden zehn bis zwanzig Grad."),
    ("ab 1. Mai", "ab ersten Mai"),
    ("in einer 2. Runde", "in einer zweiten Runde"),
]

WEB = [
    ("cdf@abc.edu", "cdf at abc Punkt edu"),
    ("asdf123@abc.com", "asdf eins zwei drei at abc Punkt com"),
    ("https://www.abc.com", "HTTPS Doppelpunkt Slash Slash WWW Punkt abc Punkt com"),
    ("Schreib an max.muster@firma.de!", "Schreib an max Punkt muster at firma Punkt DE!"),
    ("brettspiele.de/neu-2", "brettspiele Punkt DE Slash neu Bindestrich zwei"),
]

CLASSES = {
    "ordinals": ORDINALS, "dates": DATES, "times": TIMES, "money": MONEY, "units": UNITS, "fractions": FRACTIONS,
    "decimals": DECIMALS, "cardinals": CARDINALS, "abbreviations": ABBREVIATIONS,
    "sentences": SENTENCES, "web": WEB,
}

"""Units of measure: the table and the look-up that reads a written unit ("km", "KG", "m2", "km³", "wks").

A unit is matched exactly first ("mL", "Mbps"), then case-insensitively when
that is unambiguous ("12KG"), then as a plural written with "s" ("kgs",
"wks"). "²"/"³" or a trailing 2/3 after a length make it square or cubic.
"""

from __future__ import annotations

# unit → (singular, plural)
UNITS = {
    "km": ("kilometer", "kilometers"), "m": ("meter", "meters"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "µm": ("micrometer", "micrometers"), "nm": ("nanometer", "nanometers"),
    "mi": ("mile", "miles"), "ft": ("foot", "feet"), "yd": ("yard", "yards"), "in": ("inch", "inches"),
    "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "µg": ("microgram", "micrograms"), "mcg": ("microgram", "micrograms"), "t": ("ton", "tons"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "l": ("liter", "liters"), "L": ("liter", "liters"), "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"), "cl": ("centiliter", "centiliters"), "dl": ("deciliter", "deciliters"),
    "gal": ("gallon", "gallons"), "qt": ("quart", "quarts"), "pt": ("pint", "pints"),
    "tbsp": ("tablespoon", "tablespoons"), "tsp": ("teaspoon", "teaspoons"), "cc": ("cc", "cc"),
    "s": ("second", "seconds"), "sec": ("second", "seconds"), "ms": ("millisecond", "milliseconds"),
    "µs": ("microsecond", "microseconds"), "us": ("microsecond", "microseconds"), "ns": ("nanosecond", "nanoseconds"),
    "min": ("minute", "minutes"), "h": ("hour", "hours"), "hr": ("hour", "hours"), "d": ("day", "days"),
    "wk": ("week", "weeks"), "mo": ("month", "months"), "yr": ("year", "years"),
    "mph": ("mile per hour", "miles per hour"), "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"), "kmh": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"), "fps": ("frame per second", "frames per second"),
    "rpm": ("revolution per minute", "revolutions per minute"), "bpm": ("beat per minute", "beats per minute"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℃": ("degree Celsius", "degrees Celsius"), "℉": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"), "K": ("kelvin", "kelvin"),
    "B": ("byte", "bytes"), "KB": ("kilobyte", "kilobytes"), "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"), "TB": ("terabyte", "terabytes"),
    "PB": ("petabyte", "petabytes"), "Kb": ("kilobit", "kilobits"), "Mb": ("megabit", "megabits"),
    "Gb": ("gigabit", "gigabits"), "kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"), "Gbps": ("gigabit per second", "gigabits per second"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"), "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"), "GW": ("gigawatt", "gigawatts"), "Wh": ("watt hour", "watt hours"),
    "kWh": ("kilowatt hour", "kilowatt hours"), "MWh": ("megawatt hour", "megawatt hours"),
    "V": ("volt", "volts"), "kV": ("kilovolt", "kilovolts"), "mV": ("millivolt", "millivolts"),
    "A": ("amp", "amps"), "mA": ("milliamp", "milliamps"), "mAh": ("milliamp hour", "milliamp hours"),
    "Ah": ("amp hour", "amp hours"), "dB": ("decibel", "decibels"), "px": ("pixel", "pixels"),
    "sq ft": ("square foot", "square feet"), "ha": ("hectare", "hectares"), "ac": ("acre", "acres"),
    "cal": ("calorie", "calories"), "kcal": ("kilocalorie", "kilocalories"), "kJ": ("kilojoule", "kilojoules"),
    "J": ("joule", "joules"), "N": ("newton", "newtons"), "Pa": ("pascal", "pascals"),
    "kPa": ("kilopascal", "kilopascals"), "psi": ("psi", "psi"), "atm": ("atmosphere", "atmospheres"),
    "mmHg": ("millimeter of mercury", "millimeters of mercury"), "mol": ("mole", "moles"),
}
# Units that read as words or letters in ordinary text unless written exactly ("5 A", "2 in", "10 t").
_EXACT_ONLY = {"in", "t", "d", "A", "B", "K", "N", "J", "s", "h", "g", "l", "m", "us", "ac", "ha", "pt", "cc",
               "Mb", "Kb", "Gb"}
_LOWER = {}
for _unit in UNITS:
    _LOWER.setdefault(_unit.lower(), _unit)
PER_WORDS = {"day", "week", "month", "year", "hour", "minute", "second", "person", "night", "capita", "unit", "dose"}
# Lengths and areas that can be squared or cubed.
_POWERS = {"2": "square", "²": "square", "3": "cubic", "³": "cubic"}
_LENGTHS = {"km", "m", "cm", "mm", "mi", "ft", "yd", "in", "µm", "nm"}


def lookup(unit: str) -> tuple[str, str] | None:
    """(singular, plural) for a written unit, or None when it is not one."""
    if unit in UNITS:
        return UNITS[unit]
    if unit and unit[-1] in _POWERS and unit[:-1] in _LENGTHS:
        single, plural = UNITS[unit[:-1]]
        power = _POWERS[unit[-1]]
        return f"{power} {single}", f"{power} {plural}"
    if "/" in unit:
        top, _, bottom = unit.partition("/")
        a, b = lookup(top), lookup(bottom) or ((bottom, bottom) if bottom in PER_WORDS else None)
        if a and b:
            return f"{a[0]} per {b[0]}", f"{a[1]} per {b[0]}"
        return None
    if unit.endswith("s") and len(unit) > 2 and unit[:-1] in UNITS and unit[:-1] not in _EXACT_ONLY:
        return UNITS[unit[:-1]]  # kgs, wks, mos, yrs, hrs, mins, secs
    low = _LOWER.get(unit.lower())
    if low and low not in _EXACT_ONLY and len(unit) > 1:
        return UNITS[low]  # 12KG, 5 KM
    return None

"""French, Spanish and Italian written → spoken tables, by class (our own examples)."""

FRENCH = {
    "cardinal": [
        ("Il a 1 234 livres.", "Il a mille deux cent trente-quatre livres."),
        ("71", "soixante et onze"), ("99", "quatre-vingt-dix-neuf"), ("300", "trois cents"),
        ("-7", "moins sept"), ("3 500 000", "trois millions cinq cent mille"), ("12 %", "douze pour cent"),
        ("2,500,000", "deux millions cinq cent mille"),
    ],
    "ordinal": [
        ("la 2e place", "la deuxième place"), ("le 1er jour", "le premier jour"), ("la 1re fois", "la première fois"),
        ("la 1ère fois", "la première fois"), ("le 3ème étage", "le troisième étage"), ("le 2nd tour", "le second tour"),
        ("la 2nde guerre", "la seconde guerre"), ("le 21e siècle", "le vingt et unième siècle"),
        ("le XIXe siècle", "le dix-neuvième siècle"), ("le XXIe siècle", "le vingt et unième siècle"),
        ("Louis XIV", "Louis quatorze"), ("François Ier", "François premier"), ("Henri IV", "Henri quatre"),
        ("le 80e", "le quatre-vingtième"), ("le 4ᵉ", "le quatrième"), ("tome III", "tome trois"),
        ("Le 5e élément", "Le cinquième élément"), ("le Ve siècle", "le cinquième siècle"),
    ],
    "decimal": [
        ("3,5", "trois virgule cinq"), ("0,25", "zéro virgule vingt-cinq"), ("2,05", "deux virgule zéro cinq"),
        ("12,125", "douze virgule cent vingt-cinq"), ("7,3456", "sept virgule trente-quatre cinquante-six"),
        ("-3,5", "moins trois virgule cinq"), ("1,5 million", "un virgule cinq million"),
        ("Il a 1 234,5 points.", "Il a mille deux cent trente-quatre virgule cinq points."),
    ],
    "fraction": [
        ("1/2", "un demi"), ("1/3", "un tiers"), ("3/4 de litre", "trois quarts de litre"), ("2 1/2", "deux et demi"),
        ("5/8", "cinq huitièmes"), ("1/10", "un dixième"), ("2 3/4", "deux et trois quarts"),
        ("-1/3", "moins un tiers"),
    ],
    "date": [
        ("le 1er mai 2024", "le premier mai deux mille vingt-quatre"),
        ("le 14 juillet 1789", "le quatorze juillet mille sept cent quatre-vingt-neuf"),
        ("le 1 janvier", "le premier janvier"), ("12/05/2024", "douze mai deux mille vingt-quatre"),
        ("05-11-2021", "cinq novembre deux mille vingt et un"), ("03.04.1999", "trois avril mille neuf cent quatre-vingt-dix-neuf"),
        ("le 25.12", "le vingt-cinq décembre"), ("les 8/9 mars", "les huit neuf mars"),
        ("les 1-2-3 août 2026", "les premier deux trois août deux mille vingt-six"),
    ],
    "time": [
        ("à 14h30", "à quatorze heures trente"), ("à 14:30", "à quatorze heures trente"), ("à 8h", "à huit heures"),
        ("à 1h05", "à une heure cinq"),
    ],
    "money": [
        ("Ça coûte 2,50 €.", "Ça coûte deux euros cinquante."), ("1 €", "un euro"), ("20 $", "vingt dollars"),
        ("15 CHF", "quinze francs suisses"),
    ],
    "measure": [
        ("3,5 km", "trois virgule cinq kilomètres"), ("1 km", "un kilomètre"), ("500 g", "cinq cents grammes"),
        ("20 °C", "vingt degrés Celsius"), ("-5 °C", "moins cinq degrés Celsius"), ("90 km/h", "quatre-vingt-dix kilomètres heure"),
        ("30 m²", "trente mètres carrés"),
    ],
    "whitelist": [
        ("M. Dupont", "Monsieur Dupont"), ("Voici M. Dupont.", "Voici monsieur Dupont."),
        ("Mme Martin", "Madame Martin"), ("avec Mlle Durand", "avec mademoiselle Durand"),
        ("Dr Petit", "Docteur Petit"), ("le Pr Roux", "le professeur Roux"), ("chez Mᵐᵉ Blanc", "chez madame Blanc"),
        ("des fruits, etc.", "des fruits, et cetera"), ("p. 12", "page douze"), ("n° 5", "numéro cinq"),
        ("MM. Leroy et Roy", "Messieurs Leroy et Roy"),
    ],
}

SPANISH = {
    "cardinal": [
        ("Tengo 1.234 libros.", "Tengo mil doscientos treinta y cuatro libros."), ("21", "veintiuno"),
        ("100", "cien"), ("101", "ciento uno"), ("1 500 000", "un millón quinientos mil"),
        ("2.000.000", "dos millones"), ("-12", "menos doce"), ("3.001 millones", "tres mil un millones"),
        ("Hay 21 casas y 1 casa.", "Hay veintiuna casas y una casa."),
        ("Compré 1 libro y 31 libros.", "Compré un libro y treinta y un libros."),
        ("Son 1.200 personas y 301 sillas.", "Son mil doscientas personas y trescientas una sillas."),
        ("Pasó 1 día.", "Pasó un día."), ("Tengo 1 para ti.", "Tengo uno para ti."),
        ("1 vez al mes", "una vez al mes"), ("21 canciones", "veintiuna canciones"), ("1 ciudad", "una ciudad"),
        ("Tengo 1 que hacer.", "Tengo uno que hacer."),
    ],
    "ordinal": [
        ("el 1º de mayo", "el primero de mayo"), ("el 2.º piso", "el segundo piso"), ("la 3.ª planta", "la tercera planta"),
        ("el 1.er día", "el primer día"), ("el 3er lugar", "el tercer lugar"), ("el 2do puesto", "el segundo puesto"),
        ("la 1ra vez", "la primera vez"), ("13.º", "decimotercero"), ("22.ª", "vigesimosegunda"),
        ("38.º", "trigésimo octavo"), ("105.º", "centésimo quinto"), ("11.º", "undécimo"),
        ("Felipe II", "Felipe segundo"), ("Alfonso XIII", "Alfonso trece"), ("Isabel II", "Isabel segunda"),
        ("el siglo XVIII", "el siglo dieciocho"),
    ],
    "decimal": [
        ("3,5", "tres coma cinco"), ("-2,5", "menos dos coma cinco"), ("12,75", "doce coma setenta y cinco"),
        ("1,05", "uno coma cero cinco"), ("7,125", "siete coma ciento veinticinco"),
        ("2,7182", "dos coma setenta y uno ochenta y dos"), ("4,5 millones", "cuatro coma cinco millones"),
        ("1.250,5", "mil doscientos cincuenta coma cinco"),
    ],
    "fraction": [
        ("1/2", "un medio"), ("1/3", "un tercio"), ("3/4", "tres cuartos"), ("2 1/2", "dos y medio"),
        ("5/9", "cinco novenos"), ("1/15", "un quinceavo"), ("4/25", "cuatro veinticincoavos"),
        ("7/40", "siete cuarentavos"), ("1/500", "un quingentésimo"), ("3/10000", "tres diezmilésimos"),
        ("2/135", "dos sobre ciento treinta y cinco"), ("-3/4", "menos tres cuartos"), ("¾", "tres cuartos"),
    ],
    "money": [
        ("Cuesta 2,50 €.", "Cuesta dos euros cincuenta céntimos."), ("1 €", "un euro"), ("$5", "cinco dólares"),
        ("21 €", "veintiún euros"), ("0,75 €", "setenta y cinco céntimos"), ("$1,01", "un dólar un centavo"),
        ("1 £", "una libra"), ("201 £", "doscientas una libras"), ("50 USD", "cincuenta dólares estadounidenses"),
        ("€3 millones", "tres millones de euros"), ("4,5 millones de euros", "cuatro coma cinco millones de euros"),
        ("300 MXN", "trescientos pesos mexicanos"),
    ],
    "measure": [
        ("5 km", "cinco kilómetros"), ("1 kg", "un kilogramo"), ("21 km", "veintiún kilómetros"),
        ("20 °C", "veinte grados centígrados"), ("-3 °C", "menos tres grados centígrados"),
        ("120 km/h", "ciento veinte kilómetros por hora"), ("1 t", "una tonelada"),
        ("300 mph", "trescientas millas por hora"), ("42 %", "cuarenta y dos por ciento"),
        ("2,5 l", "dos coma cinco litros"), ("80 m²", "ochenta metros cuadrados"),
        ("1/2 kg", "medio kilogramo"), ("2 1/2 h", "dos y media hora"), ("3/4 m", "tres cuartos de metro"),
        ("10 m/s", "diez metros por segundo"),
    ],
    "date": [
        ("el 3 de mayo de 2024", "el tres de mayo de dos mil veinticuatro"), ("el 1 de enero", "el primero de enero"),
        ("03/05/2024", "tres de mayo de dos mil veinticuatro"), ("7.3.2010", "siete de marzo de dos mil diez"),
        ("15-08-1995", "quince de agosto de mil novecientos noventa y cinco"),
        ("2021-12-24", "veinticuatro de diciembre de dos mil veintiuno"),
        ("lunes 3 de abril", "lunes tres de abril"), ("mié. 5 de junio", "miércoles cinco de junio"),
        ("octubre 12", "doce de octubre"), ("dic. 25", "veinticinco de diciembre"),
        ("en 1492", "en mil cuatrocientos noventa y dos"), ("el 9 de julio del 2016", "el nueve de julio del dos mil dieciséis"),
        ("año 300 a. C.", "año trescientos antes de cristo"),
    ],
    "time": [
        ("a las 14:30", "a las catorce y media"), ("a las 1:15", "a las una y cuarto"), ("a las 9:00", "a las nueve"),
        ("a las 8:05", "a las ocho y cinco"), ("a las 22.40", "a las veintidós y cuarenta"),
        ("a las 6:45", "a las siete menos cuarto"), ("10:20 a.m.", "diez y veinte de la mañana"),
        ("4:10 p.m.", "cuatro y diez de la tarde"), ("9 p.m.", "nueve de la noche"),
        ("12:30 p.m.", "doce y media del mediodía"), ("1:02:03", "una hora dos minutos y tres segundos"),
        ("3 h", "tres horas"), ("1 h", "una hora"),
    ],
    "telephone": [
        ("912-345-678", "nueve uno dos tres cuatro cinco seis siete ocho"),
        ("+34 912 345 678", "más treinta y cuatro nueve uno dos tres cuatro cinco seis siete ocho"),
        ("555-1234", "cinco cinco cinco uno dos tres cuatro"),
        ("+52 (55) 1234-5678", "más cincuenta y dos cinco cinco uno dos tres cuatro cinco seis siete ocho"),
        ("(91) 555 1234 ext. 7", "nueve uno cinco cinco cinco uno dos tres cuatro extensión siete"),
        ("10.0.0.1", "uno cero punto cero punto cero punto uno"),
        ("Llame al 600 123 456.", "Llame al seis cero cero uno dos tres cuatro cinco seis."),
        ("Teléfono: 91 555 12 34", "Teléfono: nueve uno cinco cinco cinco uno dos tres cuatro"),
    ],
    "electronic": [
        ("juan@gmail.com", "j u a n arroba gmail punto com"),
        ("www.google.es", "w w w punto google punto e s"),
        ("http://www.ejemplo.org/ayuda", "h t t p dos puntos barra barra w w w punto e j e m p l o punto o r g barra a y u d a"),
        ("ana.ruiz2@correo.mx", "a n a punto r u i z dos arroba c o r r e o punto m x"),
    ],
    "whitelist": [
        ("la Sra. García", "la señora García"), ("el Dr. Pérez", "el doctor Pérez"), ("Sr. López", "Señor López"),
        ("la Dra. Ruiz", "la doctora Ruiz"), ("Srta. Gil", "Señorita Gil"), ("pág. 5", "página cinco"),
        ("núm. 3", "número tres"), ("Ud. tiene razón", "Usted tiene razón"), ("Uds.", "Ustedes"),
        ("frutas, etc.", "frutas, etcétera"), ("EE. UU.", "Estados Unidos"), ("Avda. de la Paz", "Avenida de la Paz"),
    ],
}

ITALIAN = {
    "cardinal": [
        ("21", "ventuno"), ("28", "ventotto"), ("33", "trentatré"), ("100", "cento"), ("155", "cento cinquantacinque"),
        ("1000", "mille"), ("2000", "duemila"), ("1.500", "mille cinquecento"), ("12.500", "dodicimila cinquecento"),
        ("2.000.000", "due milioni"), ("-4", "meno quattro"), ("Ho 21 anni.", "Ho ventuno anni."),
        ("Ho 1 casa, 1 libro e 1 studente.", "Ho una casa, un libro e uno studente."),
    ],
    "ordinal": [
        ("il 1º posto", "il primo posto"), ("la 2ª volta", "la seconda volta"), ("il 10° anniversario", "il decimo anniversario"),
        ("il 21º secolo", "il ventunesimo secolo"),
    ],
    "decimal": [
        ("2,5", "due virgola cinque"), ("12,34", "dodici virgola trentaquattro"), ("0,75", "zero virgola settantacinque"),
        ("7,125", "sette virgola cento venticinque"), ("1,5 milioni", "uno virgola cinque milioni"),
        ("-0,5", "meno zero virgola cinque"), ("3,1416", "tre virgola quattordici sedici"),
    ],
    "fraction": [
        ("1/2", "un mezzo"), ("1/3", "un terzo"), ("3/4", "tre quarti"), ("2/5", "due quinti"),
        ("2 1/2", "due e mezzo"), ("1/10", "un decimo"),
    ],
    "money": [
        ("5 €", "cinque euro"), ("€20", "venti euro"), ("2,50 €", "due euro cinquanta centesimi"),
        ("1 €", "un euro"), ("10 $", "dieci dollari"), ("1,01 €", "un euro un centesimo"), ("3 £", "tre sterline"),
        ("1 £", "una sterlina"), ("12 EUR", "dodici euro"), ("0,20 €", "venti centesimi"),
    ],
    "measure": [
        ("3 km", "tre chilometri"), ("1 kg", "un chilogrammo"), ("2,5 l", "due virgola cinque litri"),
        ("100 km/h", "cento chilometri orari"), ("25 °C", "venticinque gradi celsius"), ("30%", "trenta percento"),
        ("5 cm", "cinque centimetri"), ("60 s", "sessanta secondi"), ("10 m/s", "dieci metri per secondo"),
        ("220 V", "duecento venti volt"), ("1 t", "una tonnellata"),
    ],
    "date": [
        ("3 maggio 2024", "tre maggio duemila ventiquattro"), ("1 gennaio", "primo gennaio"),
        ("25/12/2023", "venticinque dicembre duemila ventitré"), ("il 2.6.1946", "il due giugno mille novecento quarantasei"),
    ],
    "time": [
        ("10:30", "dieci e mezza"), ("8:15", "otto e un quarto"), ("14:20", "quattordici e venti minuti"),
        ("09:00", "nove"), ("alle 21.10", "alle ventuno e dieci minuti"), ("1:00", "una"),
        ("18:05:30", "diciotto e cinque minuti e trenta secondi"), ("alle 9:45, poi", "alle nove e quarantacinque minuti, poi"),
    ],
    "telephone": [
        ("+39 06 1234 5678", "più trentanove zero sei uno due tre quattro cinque sei sette otto"),
        ("02 8765 4321", "zero due otto sette sei cinque quattro tre due uno"),
        ("333 123 4567", "tre tre tre uno due tre quattro cinque sei sette"),
    ],
    "electronic": [
        ("mario@gmail.com", "m a r i o chiocciola gmail punto com"),
        ("http://www.nvidia.com/ciao", "h t t p due punti slash slash w w w punto nvidia punto com slash c i a o"),
        ("info_2@sito.it", "i n f o trattino basso due chiocciola s i t o punto i t"),
        ("@luca", "chiocciola l u c a"),
    ],
    "whitelist": [
        ("sig. Rossi", "signor Rossi"), ("sig.ra Bianchi", "signora Bianchi"), ("sig.na Sara", "signorina Sara"),
        ("dott. Verdi", "dottor Verdi"), ("dott.ssa Neri", "dottoressa Neri"), ("prof. Gallo", "professor Gallo"),
        ("avv. Conti", "avvocato Conti"), ("mele, pere ecc.", "mele, pere eccetera"), ("pag. 4", "pagina quattro"),
        ("n. 7", "numero sette"), ("p.za Garibaldi", "piazza Garibaldi"),
    ],
}

-- Schools, free meal counts and SAT scores (BIRD's california_schools, in miniature).
CREATE TABLE schools (
    CDSCode TEXT PRIMARY KEY,
    School TEXT,
    County TEXT,
    District TEXT,
    Charter INTEGER,
    OpenDate DATE
);
CREATE TABLE frpm (
    CDSCode TEXT PRIMARY KEY REFERENCES schools (CDSCode),
    "Academic Year" TEXT,
    "Enrollment (K-12)" REAL,
    "Free Meal Count (K-12)" REAL
);
CREATE TABLE satscores (
    cds TEXT PRIMARY KEY REFERENCES schools (CDSCode),
    NumTstTakr INTEGER,
    AvgScrMath INTEGER,
    AvgScrRead INTEGER
);
INSERT INTO schools VALUES
 ('01001', 'Alameda High', 'Alameda', 'Alameda Unified', 0, '1960-09-01'),
 ('01002', 'Encinal High', 'Alameda', 'Alameda Unified', 0, '1952-09-01'),
 ('01003', 'Nea Community Learning', 'Alameda', 'Alameda Unified', 1, '2004-08-15'),
 ('02001', 'Fresno High', 'Fresno', 'Fresno Unified', 0, '1889-09-01'),
 ('02002', 'Edison High', 'Fresno', 'Fresno Unified', 0, '1964-09-01'),
 ('02003', 'Fresno Academy', 'Fresno', 'Fresno Unified', 1, '2010-08-20'),
 ('03001', 'Lincoln High', 'Los Angeles', 'Los Angeles Unified', 0, '1913-09-01'),
 ('03002', 'Garfield High', 'Los Angeles', 'Los Angeles Unified', 0, '1925-09-01'),
 ('03003', 'Bright Star Charter', 'Los Angeles', 'Los Angeles Unified', 1, '2003-09-02'),
 ('03004', 'Pasadena High', 'Los Angeles', 'Pasadena Unified', 0, '1891-09-01'),
 ('04001', 'Davis Senior High', 'Yolo', 'Davis Joint Unified', 0, '1927-09-01'),
 ('04002', 'Da Vinci Charter', 'Yolo', 'Davis Joint Unified', 1, '2000-08-28');
INSERT INTO frpm VALUES
 ('01001', '2014-2015', 1800, 450),
 ('01002', '2014-2015', 1100, 520),
 ('01003', '2014-2015', 250, 40),
 ('02001', '2014-2015', 2100, 1700),
 ('02002', '2014-2015', 2300, 1600),
 ('02003', '2014-2015', 400, 380),
 ('03001', '2014-2015', 1500, 1200),
 ('03002', '2014-2015', 2600, 2300),
 ('03003', '2014-2015', 600, 540),
 ('03004', '2014-2015', 2000, 700),
 ('04001', '2014-2015', 1700, 200),
 ('04002', '2014-2015', 300, 30);
INSERT INTO satscores VALUES
 ('01001', 420, 560, 540),
 ('01002', 250, 490, 480),
 ('02001', 380, 430, 420),
 ('02002', 510, 470, 455),
 ('03001', 300, 440, 450),
 ('03002', 610, 450, 430),
 ('03004', 450, 520, 515),
 ('04001', 700, 610, 590),
 ('04002', 60, 580, 600);

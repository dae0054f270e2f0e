-- Drivers, races and results (BIRD's formula_1, in miniature).
CREATE TABLE drivers (
    driverId INTEGER PRIMARY KEY,
    forename TEXT,
    surname TEXT,
    nationality TEXT,
    dob DATE
);
CREATE TABLE races (
    raceId INTEGER PRIMARY KEY,
    year INTEGER,
    round INTEGER,
    name TEXT,
    date DATE
);
CREATE TABLE results (
    resultId INTEGER PRIMARY KEY,
    raceId INTEGER REFERENCES races (raceId),
    driverId INTEGER REFERENCES drivers (driverId),
    position INTEGER,
    points REAL,
    fastestLapTime TEXT
);
INSERT INTO drivers VALUES
 (1, 'Lewis', 'Hamilton', 'British', '1985-01-07'),
 (2, 'Sebastian', 'Vettel', 'German', '1987-07-03'),
 (3, 'Fernando', 'Alonso', 'Spanish', '1981-07-29'),
 (4, 'Nico', 'Rosberg', 'German', '1985-06-27'),
 (5, 'Kimi', 'Raikkonen', 'Finnish', '1979-10-17'),
 (6, 'Jenson', 'Button', 'British', '1980-01-19');
INSERT INTO races VALUES
 (1, 2010, 1, 'Bahrain Grand Prix', '2010-03-14'),
 (2, 2010, 2, 'Australian Grand Prix', '2010-03-28'),
 (3, 2011, 1, 'Australian Grand Prix', '2011-03-27'),
 (4, 2011, 2, 'Malaysian Grand Prix', '2011-04-10'),
 (5, 2012, 1, 'Australian Grand Prix', '2012-03-18');
INSERT INTO results VALUES
 (1, 1, 3, 1, 25, '1:58.287'), (2, 1, 2, 4, 12, '1:58.530'), (3, 1, 1, 3, 15, '1:59.001'),
 (4, 1, 6, 7, 6, '1:59.823'), (5, 2, 6, 1, 25, '1:28.358'), (6, 2, 1, 6, 8, '1:28.012'),
 (7, 2, 3, 4, 12, '1:28.470'), (8, 2, 2, NULL, 0, NULL), (9, 3, 2, 1, 25, '1:29.844'),
 (10, 3, 1, 2, 18, '1:29.001'), (11, 3, 6, 6, 8, '1:30.100'), (12, 3, 4, 5, 10, '1:29.900'),
 (13, 4, 2, 1, 25, '1:40.571'), (14, 4, 6, 2, 18, '1:40.612'), (15, 4, 4, 12, 0, '1:41.002'),
 (16, 5, 6, 1, 25, '1:29.187'), (17, 5, 2, 2, 18, '1:29.300'), (18, 5, 1, 3, 15, '1:28.990'),
 (19, 5, 5, NULL, 0, NULL);

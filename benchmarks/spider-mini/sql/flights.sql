-- flights: scheduled flights between European airports (airlines, airports, aircraft, flights).
PRAGMA foreign_keys = ON;

CREATE TABLE airline (
  airline_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT,
  founded INTEGER,
  alliance TEXT
);

CREATE TABLE airport (
  airport_code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT NOT NULL,
  country TEXT NOT NULL,
  elevation_m INTEGER
);

CREATE TABLE aircraft (
  aircraft_id INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  manufacturer TEXT NOT NULL,
  seats INTEGER,
  range_km INTEGER
);

CREATE TABLE flight (
  flight_id INTEGER PRIMARY KEY,
  flight_number TEXT NOT NULL,
  airline_id INTEGER NOT NULL REFERENCES airline(airline_id),
  origin TEXT NOT NULL REFERENCES airport(airport_code),
  destination TEXT NOT NULL REFERENCES airport(airport_code),
  aircraft_id INTEGER REFERENCES aircraft(aircraft_id),
  departure_date TEXT NOT NULL,
  duration_minutes INTEGER,
  price REAL
);

INSERT INTO airline VALUES (1, 'Aurora Air', 'Norway', 1998, 'SkyLink');
INSERT INTO airline VALUES (2, 'Blue Meridian', 'Portugal', 1974, NULL);
INSERT INTO airline VALUES (3, 'Castile Airways', 'Spain', 1961, 'StarBridge');
INSERT INTO airline VALUES (4, 'Danube Jet', 'Austria', 2006, 'SkyLink');
INSERT INTO airline VALUES (5, 'Eastwind', 'Poland', 2012, NULL);
INSERT INTO airline VALUES (6, 'Fjordline Express', 'Denmark', 1989, 'StarBridge');
INSERT INTO airline VALUES (7, 'Gallia Aero', 'France', 1950, 'StarBridge');

INSERT INTO airport VALUES ('OSL', 'Gardermoen', 'Oslo', 'Norway', 208);
INSERT INTO airport VALUES ('LIS', 'Humberto Delgado', 'Lisbon', 'Portugal', 114);
INSERT INTO airport VALUES ('MAD', 'Barajas', 'Madrid', 'Spain', 610);
INSERT INTO airport VALUES ('VIE', 'Schwechat', 'Vienna', 'Austria', 183);
INSERT INTO airport VALUES ('WAW', 'Chopin', 'Warsaw', 'Poland', 110);
INSERT INTO airport VALUES ('CPH', 'Kastrup', 'Copenhagen', 'Denmark', 5);
INSERT INTO airport VALUES ('CDG', 'Charles de Gaulle', 'Paris', 'France', 119);
INSERT INTO airport VALUES ('ORY', 'Orly', 'Paris', 'France', 89);
INSERT INTO airport VALUES ('BCN', 'El Prat', 'Barcelona', 'Spain', 4);
INSERT INTO airport VALUES ('ZRH', 'Kloten', 'Zurich', 'Switzerland', 432);
INSERT INTO airport VALUES ('INN', 'Kranebitten', 'Innsbruck', 'Austria', 581);

INSERT INTO aircraft VALUES (1, 'A320neo', 'Airbus', 180, 6300);
INSERT INTO aircraft VALUES (2, 'A321neo', 'Airbus', 220, 7400);
INSERT INTO aircraft VALUES (3, '737-800', 'Boeing', 189, 5400);
INSERT INTO aircraft VALUES (4, 'E195-E2', 'Embraer', 132, 4800);
INSERT INTO aircraft VALUES (5, 'ATR 72-600', 'ATR', 70, 1500);
INSERT INTO aircraft VALUES (6, 'A220-300', 'Airbus', 140, 6200);

INSERT INTO flight VALUES (1, 'BM340', 2, 'LIS', 'BCN', 2, '2024-03-01', 132, 188.79);
INSERT INTO flight VALUES (2, 'GA860', 7, 'MAD', 'CPH', 1, '2024-03-02', 212, 235.79);
INSERT INTO flight VALUES (3, 'EW750', 5, 'CPH', 'ZRH', 4, '2024-03-05', 122, 179.79);
INSERT INTO flight VALUES (4, 'AU410', 1, 'OSL', 'ZRH', 6, '2024-03-06', 135, 191.49);
INSERT INTO flight VALUES (5, 'EW432', 5, 'ORY', 'BCN', 3, '2024-03-11', 107, 166.29);
INSERT INTO flight VALUES (6, 'BM940', 2, 'WAW', 'MAD', 2, '2024-03-13', 242, 287.79);
INSERT INTO flight VALUES (7, 'CA459', 3, 'MAD', 'LIS', 2, '2024-03-16', 89, 150.09);
INSERT INTO flight VALUES (8, 'CA942', 3, 'OSL', 'CPH', 2, '2024-03-16', 74, 136.59);
INSERT INTO flight VALUES (9, 'CA625', 3, 'LIS', 'CDG', 1, '2024-03-18', 172, 224.79);
INSERT INTO flight VALUES (10, 'EW842', 5, 'OSL', 'BCN', 4, '2024-03-18', 211, 294.89);
INSERT INTO flight VALUES (11, 'BM988', 2, 'ORY', 'MAD', 2, '2024-03-19', 123, 165.69);
INSERT INTO flight VALUES (12, 'AU343', 1, 'OSL', 'VIE', 6, '2024-03-20', 137, 193.29);
INSERT INTO flight VALUES (13, 'CA832', 3, 'MAD', 'CDG', 3, '2024-03-20', 125, 217.49);
INSERT INTO flight VALUES (14, 'AU927', 1, 'CPH', 'ZRH', 3, '2024-03-21', 110, 153.99);
INSERT INTO flight VALUES (15, 'AU976', 1, 'OSL', 'INN', 3, '2024-03-21', 145, 160.49);
INSERT INTO flight VALUES (16, 'CA541', 3, 'MAD', 'ZRH', 2, '2024-03-21', 156, 185.39);
INSERT INTO flight VALUES (17, 'DJ840', 4, 'CPH', 'OSL', 5, '2024-03-21', 68, 91.19);
INSERT INTO flight VALUES (18, 'EW592', 5, 'WAW', 'CDG', 4, '2024-03-25', 180, 266.99);
INSERT INTO flight VALUES (19, 'AU656', 1, 'ORY', 'ZRH', 3, '2024-03-28', 105, 164.49);
INSERT INTO flight VALUES (20, 'BM938', 2, 'CDG', 'LIS', 2, '2024-03-28', 158, 197.19);
INSERT INTO flight VALUES (21, 'CA793', 3, 'MAD', 'ZRH', 2, '2024-03-28', 146, 161.39);
INSERT INTO flight VALUES (22, 'AU497', 1, 'OSL', 'CPH', 6, '2024-03-30', 74, 121.59);
INSERT INTO flight VALUES (23, 'CA241', 3, 'MAD', 'VIE', 2, '2024-03-30', 196, 221.39);
INSERT INTO flight VALUES (24, 'CA979', 3, 'MAD', 'WAW', 2, '2024-03-31', 250, 269.99);
INSERT INTO flight VALUES (25, 'DJ437', 4, 'VIE', 'WAW', 4, '2024-03-31', 86, 132.39);
INSERT INTO flight VALUES (26, 'FX421', 6, 'CPH', 'MAD', 6, '2024-03-31', 227, 274.29);
INSERT INTO flight VALUES (27, 'AU527', 1, 'OSL', 'ZRH', 3, '2024-04-03', 133, 189.69);
INSERT INTO flight VALUES (28, 'DJ524', 4, 'VIE', 'CPH', 5, '2024-04-03', 103, 162.69);
INSERT INTO flight VALUES (29, 'FX232', 6, 'CDG', 'INN', 5, '2024-04-03', 97, 142.29);
INSERT INTO flight VALUES (30, 'BM782', 2, 'ORY', 'CPH', 2, '2024-04-07', 141, 196.89);
INSERT INTO flight VALUES (31, 'EW103', 5, 'WAW', 'ORY', 3, '2024-04-07', 197, 207.29);
INSERT INTO flight VALUES (32, 'GA340', 7, 'WAW', 'CPH', 4, '2024-04-07', 114, 172.59);
INSERT INTO flight VALUES (33, 'EW111', 5, 'WAW', 'ZRH', 3, '2024-04-09', 152, 241.79);
INSERT INTO flight VALUES (34, 'FX397', 6, 'CPH', 'INN', 5, '2024-04-09', 104, 138.59);
INSERT INTO flight VALUES (35, 'DJ864', 4, 'VIE', 'ZRH', 5, '2024-04-10', 106, NULL);
INSERT INTO flight VALUES (36, 'EW290', 5, 'WAW', 'VIE', 4, '2024-04-11', 98, 118.19);
INSERT INTO flight VALUES (37, 'BM640', 2, 'LIS', 'INN', 1, '2024-04-13', 198, 223.19);
INSERT INTO flight VALUES (38, 'CA289', 3, 'MAD', 'ZRH', 3, '2024-04-13', 154, 168.59);
INSERT INTO flight VALUES (39, 'BM396', 2, 'LIS', 'CPH', 2, '2024-04-18', 263, 306.69);
INSERT INTO flight VALUES (40, 'CA607', 3, 'MAD', 'VIE', 3, '2024-04-18', 206, 230.39);
INSERT INTO flight VALUES (41, 'FX477', 6, 'CDG', 'ZRH', 6, '2024-04-19', 102, 196.79);
INSERT INTO flight VALUES (42, 'AU462', 1, 'CPH', 'INN', 6, '2024-04-23', 123, 165.69);
INSERT INTO flight VALUES (43, 'FX303', 6, 'CPH', 'VIE', 5, '2024-04-25', 117, 150.29);
INSERT INTO flight VALUES (44, 'EW583', 5, 'WAW', 'BCN', 4, '2024-04-26', 212, 220.79);
INSERT INTO flight VALUES (45, 'GA189', 7, 'MAD', 'BCN', 4, '2024-04-26', 99, NULL);
INSERT INTO flight VALUES (46, 'GA426', 7, 'CPH', 'ZRH', 4, '2024-04-26', 115, 148.49);
INSERT INTO flight VALUES (47, 'AU918', 1, 'ZRH', 'VIE', 3, '2024-04-27', 91, 151.89);
INSERT INTO flight VALUES (48, 'BM250', 2, 'MAD', 'WAW', 1, '2024-04-28', 246, 251.39);

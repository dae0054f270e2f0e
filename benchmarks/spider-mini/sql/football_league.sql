-- football_league: one season of an eight-team league (teams, players, coaches, matches).
PRAGMA foreign_keys = ON;

CREATE TABLE team (
  team_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT NOT NULL,
  stadium TEXT,
  capacity INTEGER,
  founded INTEGER
);

CREATE TABLE coach (
  coach_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  nationality TEXT,
  team_id INTEGER REFERENCES team(team_id),
  start_year INTEGER
);

CREATE TABLE player (
  player_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  team_id INTEGER NOT NULL REFERENCES team(team_id),
  position TEXT NOT NULL,
  nationality TEXT,
  birth_date TEXT,
  goals INTEGER,
  salary REAL
);

CREATE TABLE match (
  match_id INTEGER PRIMARY KEY,
  match_date TEXT NOT NULL,
  home_team_id INTEGER NOT NULL REFERENCES team(team_id),
  away_team_id INTEGER NOT NULL REFERENCES team(team_id),
  home_goals INTEGER,
  away_goals INTEGER,
  attendance INTEGER
);

INSERT INTO team VALUES (1, 'Northport Rovers', 'Northport', 'Harbour Park', 32000, 1889);
INSERT INTO team VALUES (2, 'Ashford United', 'Ashford', 'Mill Lane', 18500, 1902);
INSERT INTO team VALUES (3, 'Kingsbridge City', 'Kingsbridge', 'Crown Ground', 41000, 1895);
INSERT INTO team VALUES (4, 'Elmstead Athletic', 'Elmstead', 'The Orchard', 12000, 1921);
INSERT INTO team VALUES (5, 'Redcliff Town', 'Redcliff', 'Quarry Road', 15500, 1910);
INSERT INTO team VALUES (6, 'Westvale FC', 'Westvale', 'Vale Stadium', 27000, 1978);
INSERT INTO team VALUES (7, 'Brackenford Wanderers', 'Brackenford', 'Heath Park', 9800, 1934);
INSERT INTO team VALUES (8, 'Port Sallow Albion', 'Port Sallow', 'Dockside Arena', 22000, 1899);

INSERT INTO coach VALUES (1, 'Miguel Santos', 'Portugal', 1, 2021);
INSERT INTO coach VALUES (2, 'Gareth Hughes', 'Wales', 2, 2019);
INSERT INTO coach VALUES (3, 'Anders Nilsen', 'Norway', 3, 2022);
INSERT INTO coach VALUES (4, 'Paolo Ricci', 'Italy', 4, 2020);
INSERT INTO coach VALUES (5, 'Stuart Bell', 'England', 5, 2023);
INSERT INTO coach VALUES (6, 'Henrik Vogel', 'Germany', 6, 2018);
INSERT INTO coach VALUES (7, 'Ciaran Daly', 'Ireland', 7, 2022);
INSERT INTO coach VALUES (8, 'Luis Ortega', 'Spain', 8, 2021);
INSERT INTO coach VALUES (9, 'Tom Whitaker', 'England', NULL, NULL);

INSERT INTO player VALUES (1, 'Leo Varga', 1, 'Goalkeeper', 'Denmark', '2005-05-03', 0, 67500.0);
INSERT INTO player VALUES (2, 'Idris Coyle', 2, 'Goalkeeper', 'England', '1995-01-03', 0, 15000.0);
INSERT INTO player VALUES (3, 'Sean Amadi', 3, 'Goalkeeper', 'Spain', '1992-07-02', 0, 30000.0);
INSERT INTO player VALUES (4, 'Emil Mensah', 4, 'Goalkeeper', 'Sweden', '1991-05-01', 0, 20000.0);
INSERT INTO player VALUES (5, 'Dylan Nkemelu', 5, 'Goalkeeper', 'England', '1994-01-09', 0, 12000.0);
INSERT INTO player VALUES (6, 'Viktor Brook', 6, 'Goalkeeper', 'England', '1990-02-25', 0, 25000.0);
INSERT INTO player VALUES (7, 'Mateo Quinn', 7, 'Goalkeeper', 'France', '2005-03-19', 0, 60000.0);
INSERT INTO player VALUES (8, 'Kai Rasmussen', 8, 'Goalkeeper', 'Ireland', '1991-06-16', 0, 45000.0);
INSERT INTO player VALUES (9, 'Tariq Holt', 1, 'Defender', 'Nigeria', '1996-09-22', 2, 37500.0);
INSERT INTO player VALUES (10, 'Noah Silva', 2, 'Defender', 'Nigeria', '1991-08-20', 3, 60000.0);
INSERT INTO player VALUES (11, 'Sami Okafor', 3, 'Defender', 'France', '1992-12-20', 2, 22500.0);
INSERT INTO player VALUES (12, 'Lars Berg', 4, 'Defender', 'Nigeria', '1991-11-21', 0, 30000.0);
INSERT INTO player VALUES (13, 'Owen Duarte', 5, 'Defender', 'Ghana', '1998-02-13', 2, 60000.0);
INSERT INTO player VALUES (14, 'Ethan Lindahl', 6, 'Defender', 'Nigeria', '1991-08-22', 1, 60000.0);
INSERT INTO player VALUES (15, 'Milan Fontaine', 7, 'Defender', 'Ireland', '1992-12-14', 2, 45000.0);
INSERT INTO player VALUES (16, 'Oscar Harper', 8, 'Defender', 'Portugal', '2001-02-19', 1, 30000.0);
INSERT INTO player VALUES (17, 'Callum Walsh', 1, 'Defender', 'France', '2005-04-29', 1, 52500.0);
INSERT INTO player VALUES (18, 'Jonas Sorensen', 2, 'Defender', 'Scotland', '1993-07-04', 3, 20000.0);
INSERT INTO player VALUES (19, 'Bruno Tavares', 3, 'Defender', 'England', '2002-01-06', 1, 37500.0);
INSERT INTO player VALUES (20, 'Joel Reyes', 4, 'Defender', 'Ghana', '1990-05-09', 1, 20000.0);
INSERT INTO player VALUES (21, 'Aaron Byrne', 5, 'Defender', 'Ghana', '2001-03-31', 0, 35000.0);
INSERT INTO player VALUES (22, 'Jack Ferris', 6, 'Defender', 'Ireland', '2004-03-04', 0, 15000.0);
INSERT INTO player VALUES (23, 'Luca Kerr', 7, 'Defender', 'Sweden', '1997-02-24', 1, 60000.0);
INSERT INTO player VALUES (24, 'Yusuf Gallo', 8, 'Defender', 'England', '1994-05-16', 2, 20000.0);
INSERT INTO player VALUES (25, 'Rui Ibarra', 1, 'Midfielder', 'Ghana', '1992-08-05', 3, 22500.0);
INSERT INTO player VALUES (26, 'Finn Moreau', 2, 'Midfielder', 'Serbia', '1998-05-28', 7, 35000.0);
INSERT INTO player VALUES (27, 'Kofi Novak', 3, 'Midfielder', 'Ireland', '1999-01-28', 5, 37500.0);
INSERT INTO player VALUES (28, 'Hugo Costa', 4, 'Midfielder', 'Ireland', '2000-02-09', 3, 15000.0);
INSERT INTO player VALUES (29, 'Rafael Adler', 5, 'Midfielder', 'Brazil', '2002-12-16', 8, 25000.0);
INSERT INTO player VALUES (30, 'Theo Clarke', 6, 'Midfielder', 'Nigeria', '1992-07-08', 8, 45000.0);
INSERT INTO player VALUES (31, 'Marco Petrov', 7, 'Midfielder', 'Nigeria', '2004-05-21', 4, 20000.0);
INSERT INTO player VALUES (32, 'Felix Hale', 8, 'Midfielder', 'Scotland', '1999-07-11', 6, 30000.0);
INSERT INTO player VALUES (33, 'Leo Brook', 1, 'Midfielder', 'Ghana', '2005-09-29', 5, 37500.0);
INSERT INTO player VALUES (34, 'Idris Quinn', 2, 'Midfielder', 'Denmark', '2002-01-18', 2, 20000.0);
INSERT INTO player VALUES (35, 'Sean Rasmussen', 3, 'Midfielder', 'France', '2005-02-27', 1, 30000.0);
INSERT INTO player VALUES (36, 'Emil Holt', 4, 'Midfielder', 'England', '2002-11-06', 6, 45000.0);
INSERT INTO player VALUES (37, 'Dylan Silva', 5, 'Midfielder', 'Denmark', '2002-09-02', 5, 20000.0);
INSERT INTO player VALUES (38, 'Viktor Okafor', 6, 'Midfielder', 'England', '2005-01-13', 1, 15000.0);
INSERT INTO player VALUES (39, 'Mateo Berg', 7, 'Midfielder', 'Spain', '1992-09-18', 1, 25000.0);
INSERT INTO player VALUES (40, 'Kai Duarte', 8, 'Midfielder', 'Scotland', '2001-11-27', 8, 8000.0);
INSERT INTO player VALUES (41, 'Tariq Lindahl', 1, 'Forward', 'England', '1990-05-31', 6, 12000.0);
INSERT INTO player VALUES (42, 'Noah Fontaine', 2, 'Forward', 'Portugal', '2000-01-27', 7, 60000.0);
INSERT INTO player VALUES (43, 'Sami Harper', 3, 'Forward', 'England', '1998-10-06', 4, 12000.0);
INSERT INTO player VALUES (44, 'Lars Walsh', 4, 'Forward', 'France', '2003-08-30', 7, 20000.0);
INSERT INTO player VALUES (45, 'Owen Sorensen', 5, 'Forward', 'Serbia', '2003-04-02', 16, 45000.0);
INSERT INTO player VALUES (46, 'Ethan Tavares', 6, 'Forward', 'France', '2001-10-11', 16, 12000.0);
INSERT INTO player VALUES (47, 'Milan Reyes', 7, 'Forward', 'Ireland', '1996-04-06', 7, 25000.0);
INSERT INTO player VALUES (48, 'Oscar Byrne', 8, 'Forward', 'Spain', '2005-08-12', 6, 60000.0);
INSERT INTO player VALUES (49, 'Kwame Asante', 3, 'Forward', 'Ghana', '1997-05-14', 23, 120000.0);
INSERT INTO player VALUES (50, 'Ruben Acosta', 1, 'Forward', 'Spain', '1995-09-02', 17, 90000.0);
INSERT INTO player VALUES (51, 'Elliot Marsh', 6, 'Forward', 'England', '2003-02-20', 11, NULL);
INSERT INTO player VALUES (52, 'Pavel Horak', 4, 'Midfielder', 'Czechia', '1992-12-11', 2, NULL);

INSERT INTO match VALUES (1, '2023-08-12', 2, 7, 0, 1, 16409);
INSERT INTO match VALUES (2, '2023-08-12', 6, 3, 4, 4, 21226);
INSERT INTO match VALUES (3, '2023-08-12', 8, 1, 1, 1, 20597);
INSERT INTO match VALUES (4, '2023-08-13', 4, 5, 0, 0, 8689);
INSERT INTO match VALUES (5, '2023-08-19', 1, 2, 3, 0, 25351);
INSERT INTO match VALUES (6, '2023-08-19', 4, 7, 2, 1, 8103);
INSERT INTO match VALUES (7, '2023-08-19', 8, 3, 1, 4, 15134);
INSERT INTO match VALUES (8, '2023-08-20', 6, 5, 2, 0, 19470);
INSERT INTO match VALUES (9, '2023-08-26', 3, 1, 2, 1, 28700);
INSERT INTO match VALUES (10, '2023-08-26', 4, 2, 1, 4, 7282);
INSERT INTO match VALUES (11, '2023-08-26', 8, 5, 1, 1, 16618);
INSERT INTO match VALUES (12, '2023-08-27', 6, 7, 1, 1, 19209);
INSERT INTO match VALUES (13, '2023-09-02', 1, 4, 2, 1, 25424);
INSERT INTO match VALUES (14, '2023-09-02', 3, 5, 3, 3, 39026);
INSERT INTO match VALUES (15, '2023-09-02', 6, 2, 3, 0, 22016);
INSERT INTO match VALUES (16, '2023-09-03', 8, 7, 1, 0, 19184);
INSERT INTO match VALUES (17, '2023-09-09', 3, 7, 3, 1, 33619);
INSERT INTO match VALUES (18, '2023-09-09', 5, 1, 1, 1, 14962);
INSERT INTO match VALUES (19, '2023-09-09', 6, 4, 1, 1, 15485);
INSERT INTO match VALUES (20, '2023-09-10', 8, 2, 1, 0, 16058);
INSERT INTO match VALUES (21, '2023-09-16', 1, 6, 0, 1, 26568);
INSERT INTO match VALUES (22, '2023-09-16', 5, 7, 2, 1, 10009);
INSERT INTO match VALUES (23, '2023-09-16', 8, 4, 1, 1, 18870);
INSERT INTO match VALUES (24, '2023-09-17', 3, 2, 2, 0, 38116);
INSERT INTO match VALUES (25, '2023-09-23', 5, 2, 1, 1, 12181);
INSERT INTO match VALUES (26, '2023-09-23', 7, 1, 1, 1, 7316);
INSERT INTO match VALUES (27, '2023-09-23', 8, 6, 1, 2, 19435);
INSERT INTO match VALUES (28, '2023-09-24', 3, 4, 3, 0, 23324);
INSERT INTO match VALUES (29, '2023-09-30', 1, 8, 3, 2, 19518);
INSERT INTO match VALUES (30, '2023-09-30', 3, 6, 2, 1, 27572);
INSERT INTO match VALUES (31, '2023-09-30', 7, 2, 2, 2, 5465);
INSERT INTO match VALUES (32, '2023-10-01', 5, 4, 1, 1, 10533);
INSERT INTO match VALUES (33, '2023-10-07', 2, 1, 1, 2, 11329);
INSERT INTO match VALUES (34, '2023-10-07', 3, 8, 2, 1, 36621);
INSERT INTO match VALUES (35, '2023-10-07', 7, 4, 2, 1, 9660);
INSERT INTO match VALUES (36, '2023-10-08', 5, 6, 1, 2, 9991);
INSERT INTO match VALUES (37, '2023-10-14', 1, 3, 1, 2, 22579);
INSERT INTO match VALUES (38, '2023-10-14', 2, 4, 1, 2, 10641);
INSERT INTO match VALUES (39, '2023-10-14', 5, 8, 3, 3, 13286);
INSERT INTO match VALUES (40, '2023-10-15', 7, 6, 1, 1, 5870);
INSERT INTO match VALUES (41, '2023-10-21', 2, 6, 2, 1, 17526);
INSERT INTO match VALUES (42, '2023-10-21', 4, 1, 1, 1, 11184);
INSERT INTO match VALUES (43, '2023-10-21', 5, 3, 2, 3, 13558);
INSERT INTO match VALUES (44, '2023-10-22', 7, 8, 2, 1, 6802);
INSERT INTO match VALUES (45, '2023-10-28', 1, 5, 3, 2, 19658);
INSERT INTO match VALUES (46, '2023-10-28', 4, 6, 1, 1, 11082);
INSERT INTO match VALUES (47, '2023-10-28', 7, 3, 0, 3, 7107);
INSERT INTO match VALUES (48, '2023-10-29', 2, 8, 0, 1, 12296);
INSERT INTO match VALUES (49, '2023-11-04', 4, 8, 1, 1, 8066);
INSERT INTO match VALUES (50, '2023-11-04', 6, 1, 2, 0, 17245);
INSERT INTO match VALUES (51, '2023-11-04', 7, 5, 0, 0, 5692);
INSERT INTO match VALUES (52, '2023-11-05', 2, 3, 1, 2, 11433);

-- music_catalogue: a streaming service's catalogue (artists, albums, tracks, playlists).
PRAGMA foreign_keys = ON;

CREATE TABLE artist (
  artist_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT,
  formed_year INTEGER,
  genre TEXT
);

CREATE TABLE album (
  album_id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  artist_id INTEGER NOT NULL REFERENCES artist(artist_id),
  release_year INTEGER,
  label TEXT,
  rating REAL
);

CREATE TABLE track (
  track_id INTEGER PRIMARY KEY,
  album_id INTEGER NOT NULL REFERENCES album(album_id),
  title TEXT NOT NULL,
  track_number INTEGER,
  duration_seconds INTEGER,
  plays INTEGER
);

CREATE TABLE playlist (
  playlist_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  owner TEXT,
  created_date TEXT
);

CREATE TABLE playlist_track (
  playlist_id INTEGER NOT NULL REFERENCES playlist(playlist_id),
  track_id INTEGER NOT NULL REFERENCES track(track_id),
  position INTEGER,
  PRIMARY KEY (playlist_id, track_id)
);

INSERT INTO artist VALUES (1, 'The Velvet Hours', 'United Kingdom', 2009, 'Indie Rock');
INSERT INTO artist VALUES (2, 'Marisol Vega', 'Mexico', 2014, 'Pop');
INSERT INTO artist VALUES (3, 'Kobalt Echo', 'Germany', 2001, 'Electronic');
INSERT INTO artist VALUES (4, 'Nightjar Trio', 'United States', 1996, 'Jazz');
INSERT INTO artist VALUES (5, 'Sunday Static', 'Australia', 2016, 'Indie Rock');
INSERT INTO artist VALUES (6, 'Aiko Mori', 'Japan', 2011, 'Pop');
INSERT INTO artist VALUES (7, 'Delta Furnace', 'United States', 1988, 'Blues');
INSERT INTO artist VALUES (8, 'Lumen Quartet', 'Sweden', 2005, 'Classical');
INSERT INTO artist VALUES (9, 'Paper Satellites', 'Canada', 2018, 'Electronic');
INSERT INTO artist VALUES (10, 'Ravi Anand', 'India', NULL, 'Jazz');
INSERT INTO artist VALUES (11, 'Hollow Pines', 'Canada', 2020, 'Folk');

INSERT INTO album VALUES (1, 'Glass Avenue', 1, 2012, 'Northgate Records', 4.2);
INSERT INTO album VALUES (2, 'After the Parade', 1, 2016, 'Northgate Records', 3.8);
INSERT INTO album VALUES (3, 'Corazon Electrico', 2, 2017, 'Solar Music', 4.0);
INSERT INTO album VALUES (4, 'Luna Llena', 2, 2021, 'Solar Music', 4.5);
INSERT INTO album VALUES (5, 'Signal Drift', 3, 2004, 'Pulse Collective', 4.6);
INSERT INTO album VALUES (6, 'Night Circuits', 3, 2013, 'Pulse Collective', 3.9);
INSERT INTO album VALUES (7, 'Blue Lanterns', 4, 1999, 'Midnight Tone', 4.7);
INSERT INTO album VALUES (8, 'Standards at Dawn', 4, 2008, 'Midnight Tone', 4.1);
INSERT INTO album VALUES (9, 'Static Bloom', 5, 2019, 'Northgate Records', 3.6);
INSERT INTO album VALUES (10, 'Paper Cranes', 6, 2015, 'Kaze Records', 4.0);
INSERT INTO album VALUES (11, 'Muddy Waters Rising', 7, 1991, 'Delta Sound', 4.4);
INSERT INTO album VALUES (12, 'Four Seasons Revisited', 8, 2010, 'Nordic Classics', 4.8);
INSERT INTO album VALUES (13, 'Orbiting', 9, 2021, 'Pulse Collective', NULL);
INSERT INTO album VALUES (14, 'Monsoon Suite', 10, 2018, 'Midnight Tone', 4.3);
INSERT INTO album VALUES (15, 'Second Sight', 6, 2020, 'Kaze Records', 4.0);
INSERT INTO album VALUES (16, 'Railroad Hymns', 7, 1995, 'Delta Sound', 3.7);

INSERT INTO track VALUES (1, 1, 'Northern Garden', 1, 177, 22656);
INSERT INTO track VALUES (2, 1, 'Hollow Machine', 2, 258, 67853);
INSERT INTO track VALUES (3, 1, 'Neon Letters', 3, 214, 18633);
INSERT INTO track VALUES (4, 2, 'Midnight Horizon', 1, 251, 54926);
INSERT INTO track VALUES (5, 2, 'Summer Road', 2, 204, 60760);
INSERT INTO track VALUES (6, 2, 'Summer Dream', 3, 157, 46933);
INSERT INTO track VALUES (7, 2, 'Silent Letters', 4, 206, 34177);
INSERT INTO track VALUES (8, 2, 'Summer Waves', 5, 234, 28758);
INSERT INTO track VALUES (9, 3, 'Paper Waves', 1, 261, 13251);
INSERT INTO track VALUES (10, 3, 'Slow Horizon', 2, 175, 74382);
INSERT INTO track VALUES (11, 3, 'Broken Heart', 3, 231, 433798);
INSERT INTO track VALUES (12, 3, 'Neon Echo', 4, 270, 10242);
INSERT INTO track VALUES (13, 3, 'Slow Machine', 5, 245, 19862);
INSERT INTO track VALUES (14, 4, 'Broken Fire', 1, 199, 42093);
INSERT INTO track VALUES (15, 4, 'Hollow Letters', 2, 155, 35717);
INSERT INTO track VALUES (16, 4, 'River Morning', 3, 238, 98860);
INSERT INTO track VALUES (17, 5, 'Falling Harbour', 1, 385, 249200);
INSERT INTO track VALUES (18, 5, 'Northern Fire', 2, 348, 28179);
INSERT INTO track VALUES (19, 5, 'Wild Horizon', 3, 382, 76168);
INSERT INTO track VALUES (20, 5, 'Northern Letters', 4, 332, 261166);
INSERT INTO track VALUES (21, 6, 'Falling Lights', 1, 404, 99857);
INSERT INTO track VALUES (22, 6, 'Slow Static', 2, 329, 48001);
INSERT INTO track VALUES (23, 6, 'Golden Letters', 3, 343, 32580);
INSERT INTO track VALUES (24, 7, 'River Garden', 1, 437, 52750);
INSERT INTO track VALUES (25, 7, 'River Echo', 2, 312, 278103);
INSERT INTO track VALUES (26, 7, 'Open Road', 3, 305, 34316);
INSERT INTO track VALUES (27, 8, 'Wild Road', 1, 303, 12981);
INSERT INTO track VALUES (28, 8, 'Crimson Blues', 2, 446, 35484);
INSERT INTO track VALUES (29, 8, 'Little Harbour', 3, 428, 75140);
INSERT INTO track VALUES (30, 8, 'Broken Rain', 4, 441, 108893);
INSERT INTO track VALUES (31, 8, 'Midnight Song', 5, 327, 366687);
INSERT INTO track VALUES (32, 9, 'Little Heart', 1, 199, 36753);
INSERT INTO track VALUES (33, 9, 'Golden Machine', 2, 252, 36176);
INSERT INTO track VALUES (34, 9, 'Golden Rain', 3, 163, 16066);
INSERT INTO track VALUES (35, 9, 'Golden Heart', 4, 304, 7450);
INSERT INTO track VALUES (36, 9, 'Glass Signals', 5, 229, 4187);
INSERT INTO track VALUES (37, 10, 'Little Skyline', 1, 191, 1227131);
INSERT INTO track VALUES (38, 10, 'Neon Machine', 2, 188, 139474);
INSERT INTO track VALUES (39, 10, 'Broken Machine', 3, 180, 110570);
INSERT INTO track VALUES (40, 11, 'River Horizon', 1, 278, 103793);
INSERT INTO track VALUES (41, 11, 'Glass Echo', 2, 269, 480345);
INSERT INTO track VALUES (42, 11, 'Silent Static', 3, 324, 19297);
INSERT INTO track VALUES (43, 11, 'Distant Blues', 4, 314, 67936);
INSERT INTO track VALUES (44, 11, 'Silent Echo', 5, 214, 180015);
INSERT INTO track VALUES (45, 12, 'Hollow Lights', 1, 435, 31017);
INSERT INTO track VALUES (46, 12, 'Neon Dream', 2, 513, 20074);
INSERT INTO track VALUES (47, 12, 'Slow Rain', 3, 437, 239836);
INSERT INTO track VALUES (48, 13, 'Midnight Morning', 1, 323, 128658);
INSERT INTO track VALUES (49, 13, 'Midnight Harbour', 2, 260, 34943);
INSERT INTO track VALUES (50, 13, 'Distant Echo', 3, 409, 7755);
INSERT INTO track VALUES (51, 13, 'Electric Harbour', 4, 341, 158634);
INSERT INTO track VALUES (52, 13, 'Electric Road', 5, 393, 38574);
INSERT INTO track VALUES (53, 14, 'Distant Harbour', 1, 390, 121377);
INSERT INTO track VALUES (54, 14, 'Wild Harbour', 2, 398, 14834);
INSERT INTO track VALUES (55, 14, 'Falling Echo', 3, 408, 9364);
INSERT INTO track VALUES (56, 15, 'Broken Skyline', 1, 231, 13584);
INSERT INTO track VALUES (57, 15, 'Broken Signals', 2, 210, 101703);
INSERT INTO track VALUES (58, 15, 'Hollow Window', 3, 231, 150817);
INSERT INTO track VALUES (59, 16, 'Neon Fire', 1, 344, 26004);
INSERT INTO track VALUES (60, 16, 'Neon Horizon', 2, 311, 41097);
INSERT INTO track VALUES (61, 16, 'Little Song', 3, 316, 11166);
INSERT INTO track VALUES (62, 16, 'Wild Heart', 4, 332, 53350);
INSERT INTO track VALUES (63, 16, 'Glass Horizon', 5, 304, 19811);

INSERT INTO playlist VALUES (1, 'Morning Commute', 'sofia_r', '2022-01-15');
INSERT INTO playlist VALUES (2, 'Late Night Jazz', 'deepcuts', '2021-11-02');
INSERT INTO playlist VALUES (3, 'Workout Mix', 'sofia_r', '2023-03-08');
INSERT INTO playlist VALUES (4, 'Indie Discoveries', 'mark.t', '2023-06-21');
INSERT INTO playlist VALUES (5, 'Rainy Sunday', 'deepcuts', '2020-09-13');
INSERT INTO playlist VALUES (6, 'Empty Drafts', 'mark.t', '2024-02-01');

INSERT INTO playlist_track VALUES (1, 12, 1);
INSERT INTO playlist_track VALUES (1, 11, 2);
INSERT INTO playlist_track VALUES (1, 14, 3);
INSERT INTO playlist_track VALUES (1, 32, 4);
INSERT INTO playlist_track VALUES (1, 35, 5);
INSERT INTO playlist_track VALUES (1, 36, 6);
INSERT INTO playlist_track VALUES (1, 58, 7);
INSERT INTO playlist_track VALUES (2, 53, 1);
INSERT INTO playlist_track VALUES (2, 55, 2);
INSERT INTO playlist_track VALUES (2, 26, 3);
INSERT INTO playlist_track VALUES (2, 28, 4);
INSERT INTO playlist_track VALUES (2, 29, 5);
INSERT INTO playlist_track VALUES (2, 30, 6);
INSERT INTO playlist_track VALUES (2, 25, 7);
INSERT INTO playlist_track VALUES (2, 27, 8);
INSERT INTO playlist_track VALUES (3, 18, 1);
INSERT INTO playlist_track VALUES (3, 12, 2);
INSERT INTO playlist_track VALUES (3, 52, 3);
INSERT INTO playlist_track VALUES (3, 14, 4);
INSERT INTO playlist_track VALUES (3, 16, 5);
INSERT INTO playlist_track VALUES (3, 49, 6);
INSERT INTO playlist_track VALUES (3, 23, 7);
INSERT INTO playlist_track VALUES (3, 50, 8);
INSERT INTO playlist_track VALUES (4, 8, 1);
INSERT INTO playlist_track VALUES (4, 34, 2);
INSERT INTO playlist_track VALUES (4, 6, 3);
INSERT INTO playlist_track VALUES (4, 4, 4);
INSERT INTO playlist_track VALUES (4, 51, 5);
INSERT INTO playlist_track VALUES (4, 7, 6);
INSERT INTO playlist_track VALUES (4, 32, 7);
INSERT INTO playlist_track VALUES (4, 1, 8);
INSERT INTO playlist_track VALUES (5, 60, 1);
INSERT INTO playlist_track VALUES (5, 43, 2);
INSERT INTO playlist_track VALUES (5, 63, 3);
INSERT INTO playlist_track VALUES (5, 24, 4);
INSERT INTO playlist_track VALUES (5, 45, 5);
INSERT INTO playlist_track VALUES (5, 40, 6);
INSERT INTO playlist_track VALUES (5, 44, 7);

-- Trading cards and the sets they were printed in (BIRD's card_games, in miniature).
CREATE TABLE sets (
    code TEXT PRIMARY KEY,
    name TEXT,
    releaseDate DATE,
    totalSetSize INTEGER
);
CREATE TABLE cards (
    id INTEGER PRIMARY KEY,
    name TEXT,
    setCode TEXT REFERENCES sets (code),
    rarity TEXT,
    manaValue REAL,
    colors TEXT
);
INSERT INTO sets VALUES
 ('LEA', 'Limited Edition Alpha', '1993-08-05', 295),
 ('ICE', 'Ice Age', '1995-06-03', 383),
 ('M10', 'Magic 2010', '2009-07-17', 249);
INSERT INTO cards VALUES
 (1, 'Black Lotus', 'LEA', 'rare', 0, NULL),
 (2, 'Lightning Bolt', 'LEA', 'common', 1, 'R'),
 (3, 'Serra Angel', 'LEA', 'uncommon', 5, 'W'),
 (4, 'Dark Ritual', 'ICE', 'common', 1, 'B'),
 (5, 'Brainstorm', 'ICE', 'common', 1, 'U'),
 (6, 'Necropotence', 'ICE', 'rare', 3, 'B'),
 (7, 'Lightning Bolt', 'M10', 'common', 1, 'R'),
 (8, 'Baneslayer Angel', 'M10', 'mythic', 5, 'W'),
 (9, 'Serra Angel', 'M10', 'uncommon', 5, 'W');

-- library: a city lending library (authors, books, members, loans).
PRAGMA foreign_keys = ON;

CREATE TABLE author (
  author_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  nationality TEXT,
  birth_year INTEGER
);

CREATE TABLE book (
  book_id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES author(author_id),
  genre TEXT,
  publication_year INTEGER,
  pages INTEGER,
  price REAL
);

CREATE TABLE member (
  member_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT,
  join_date TEXT,
  membership_type TEXT
);

CREATE TABLE loan (
  loan_id INTEGER PRIMARY KEY,
  book_id INTEGER NOT NULL REFERENCES book(book_id),
  member_id INTEGER NOT NULL REFERENCES member(member_id),
  loan_date TEXT NOT NULL,
  return_date TEXT,
  fine REAL
);

INSERT INTO author VALUES (1, 'Helena Marsh', 'British', 1961);
INSERT INTO author VALUES (2, 'Tomasz Wierzbicki', 'Polish', 1974);
INSERT INTO author VALUES (3, 'Amara Okafor', 'Nigerian', 1982);
INSERT INTO author VALUES (4, 'Lucas Ferreira', 'Brazilian', 1958);
INSERT INTO author VALUES (5, 'Ingrid Solberg', 'Norwegian', 1969);
INSERT INTO author VALUES (6, 'Daniel Kessler', 'American', 1977);
INSERT INTO author VALUES (7, 'Mei Takahashi', 'Japanese', 1985);
INSERT INTO author VALUES (8, 'Rosa Delgado', 'Spanish', NULL);
INSERT INTO author VALUES (9, 'Owen Pritchard', 'British', 1950);
INSERT INTO author VALUES (10, 'Clara Vance', 'American', 1990);
INSERT INTO author VALUES (11, 'Farid Haddad', 'Lebanese', 1966);
INSERT INTO author VALUES (12, 'Nora Lindqvist', 'Swedish', NULL);

INSERT INTO book VALUES (1, 'The Salt Orchard', 1, 'Fiction', 2004, 312, 14.99);
INSERT INTO book VALUES (2, 'Winter Ledger', 1, 'Mystery', 2011, 288, 12.5);
INSERT INTO book VALUES (3, 'Rivers of Glass', 2, 'Fiction', 2016, 401, 18.0);
INSERT INTO book VALUES (4, 'The Quiet Algorithm', 6, 'Science', 2019, 256, 24.99);
INSERT INTO book VALUES (5, 'Harbour Lights', 3, 'Fiction', 2018, 344, 16.75);
INSERT INTO book VALUES (6, 'A Field Guide to Moss', 5, 'Nature', 2009, 198, 21.0);
INSERT INTO book VALUES (7, 'Midnight at Kestrel Hall', 9, 'Mystery', 1998, 276, 9.99);
INSERT INTO book VALUES (8, 'The Copper Crown', 4, 'Fantasy', 2001, 520, 19.5);
INSERT INTO book VALUES (9, 'Sea of Lanterns', 7, 'Fantasy', 2020, 468, 22.0);
INSERT INTO book VALUES (10, 'Numbers That Lie', 6, 'Science', 2015, 230, 24.99);
INSERT INTO book VALUES (11, 'The Last Ferry', 9, 'Mystery', 2003, 301, 11.25);
INSERT INTO book VALUES (12, 'Desert Cartography', 11, 'History', 2012, 389, 27.5);
INSERT INTO book VALUES (13, 'Bread and Iron', 11, 'History', 2007, 412, 25.0);
INSERT INTO book VALUES (14, 'Small Hours', 10, 'Poetry', 2021, 96, 13.0);
INSERT INTO book VALUES (15, 'The Copper Crown Returns', 4, 'Fantasy', 2006, 498, 19.5);
INSERT INTO book VALUES (16, 'Northern Trees', 5, 'Nature', 2014, 210, 21.0);
INSERT INTO book VALUES (17, 'Paper Tigers', 2, 'Fiction', 2010, 295, 15.0);
INSERT INTO book VALUES (18, 'Signal and Noise', 6, 'Science', 2022, 272, 29.99);
INSERT INTO book VALUES (19, 'Garden of Ash', 3, 'Poetry', 2015, 88, 12.0);
INSERT INTO book VALUES (20, 'The Glass Detective', 8, 'Mystery', 2017, 318, 14.0);
INSERT INTO book VALUES (21, 'Tides of the Republic', 4, 'History', 1995, 610, 32.0);
INSERT INTO book VALUES (22, 'Lantern Keepers', 7, 'Fantasy', 2023, 455, 23.5);
INSERT INTO book VALUES (23, 'Dust and Starlight', 10, 'Fiction', 2019, 240, 16.0);
INSERT INTO book VALUES (24, 'A History of Salt', 11, 'History', 2020, 356, 28.0);
INSERT INTO book VALUES (25, 'The Marsh Letters', 1, 'Fiction', 2022, 330, NULL);

INSERT INTO member VALUES (1, 'Alice Byrne', 'Dublin', '2019-03-14', 'Standard');
INSERT INTO member VALUES (2, 'Ben Okoro', 'Cork', '2020-07-02', 'Premium');
INSERT INTO member VALUES (3, 'Chloe Martin', 'Dublin', '2018-11-20', 'Student');
INSERT INTO member VALUES (4, 'David Lynch', 'Galway', '2021-01-09', 'Standard');
INSERT INTO member VALUES (5, 'Eva Novak', 'Cork', '2022-05-30', 'Premium');
INSERT INTO member VALUES (6, 'Finn Walsh', 'Limerick', '2017-09-12', 'Standard');
INSERT INTO member VALUES (7, 'Grace Kim', 'Dublin', '2022-12-18', 'Student');
INSERT INTO member VALUES (8, 'Hugo Petit', 'Galway', '2020-10-05', 'Standard');
INSERT INTO member VALUES (9, 'Isla Murphy', 'Dublin', '2021-06-25', 'Premium');
INSERT INTO member VALUES (10, 'Jack Doyle', 'Waterford', '2019-12-01', 'Standard');
INSERT INTO member VALUES (11, 'Kara Singh', 'Cork', '2022-09-14', 'Student');
INSERT INTO member VALUES (12, 'Liam Quinn', 'Limerick', '2018-04-07', 'Premium');
INSERT INTO member VALUES (13, 'Maya Rossi', 'Dublin', '2023-01-21', 'Standard');
INSERT INTO member VALUES (14, 'Niall Brennan', 'Galway', '2016-06-11', 'Standard');
INSERT INTO member VALUES (15, 'Olivia Chen', 'Cork', '2021-11-03', 'Student');
INSERT INTO member VALUES (16, 'Paul Keane', 'Dublin', '2020-01-27', 'Standard');
INSERT INTO member VALUES (17, 'Ruth Adeyemi', 'Waterford', '2022-03-16', 'Premium');
INSERT INTO member VALUES (18, 'Sean Farrell', 'Limerick', '2019-08-08', 'Student');

INSERT INTO loan VALUES (1, 9, 4, '2023-01-05', '2023-01-27', 0.25);
INSERT INTO loan VALUES (2, 5, 9, '2023-01-09', '2023-02-04', 1.25);
INSERT INTO loan VALUES (3, 4, 8, '2023-01-12', '2023-02-09', 1.75);
INSERT INTO loan VALUES (4, 5, 4, '2023-01-26', '2023-02-09', 0.0);
INSERT INTO loan VALUES (5, 20, 3, '2023-02-04', '2023-02-11', 0.0);
INSERT INTO loan VALUES (6, 17, 1, '2023-02-04', '2023-03-10', 3.25);
INSERT INTO loan VALUES (7, 20, 13, '2023-02-08', '2023-02-14', 0.0);
INSERT INTO loan VALUES (8, 20, 13, '2023-02-11', '2023-02-20', 0.0);
INSERT INTO loan VALUES (9, 9, 6, '2023-02-22', '2023-03-27', 3.0);
INSERT INTO loan VALUES (10, 3, 2, '2023-02-27', '2023-03-10', 0.0);
INSERT INTO loan VALUES (11, 9, 13, '2023-03-05', '2023-04-04', 2.25);
INSERT INTO loan VALUES (12, 4, 3, '2023-03-10', '2023-03-29', 0.0);
INSERT INTO loan VALUES (13, 8, 15, '2023-03-11', '2023-04-15', 3.5);
INSERT INTO loan VALUES (14, 23, 4, '2023-03-14', '2023-04-03', 0.0);
INSERT INTO loan VALUES (15, 13, 7, '2023-03-27', '2023-05-06', 4.75);
INSERT INTO loan VALUES (16, 20, 7, '2023-04-09', '2023-05-16', 4.0);
INSERT INTO loan VALUES (17, 20, 1, '2023-04-24', '2023-05-12', 0.0);
INSERT INTO loan VALUES (18, 2, 9, '2023-05-07', '2023-06-06', 2.25);
INSERT INTO loan VALUES (19, 9, 3, '2023-05-28', '2023-06-15', 0.0);
INSERT INTO loan VALUES (20, 5, 17, '2023-06-04', '2023-07-12', 4.25);
INSERT INTO loan VALUES (21, 8, 10, '2023-06-24', '2023-06-29', 0.0);
INSERT INTO loan VALUES (22, 2, 4, '2023-07-29', '2023-08-09', 0.0);
INSERT INTO loan VALUES (23, 24, 13, '2023-08-07', '2023-08-16', 0.0);
INSERT INTO loan VALUES (24, 19, 11, '2023-08-18', '2023-09-04', 0.0);
INSERT INTO loan VALUES (25, 9, 15, '2023-08-24', '2023-09-30', 4.0);
INSERT INTO loan VALUES (26, 22, 2, '2023-09-02', '2023-10-01', 2.0);
INSERT INTO loan VALUES (27, 10, 10, '2023-09-17', '2023-09-22', 0.0);
INSERT INTO loan VALUES (28, 7, 8, '2023-09-24', '2023-10-17', 0.5);
INSERT INTO loan VALUES (29, 7, 3, '2023-10-07', '2023-10-14', 0.0);
INSERT INTO loan VALUES (30, 5, 8, '2023-11-08', '2023-11-14', 0.0);
INSERT INTO loan VALUES (31, 18, 6, '2023-11-20', '2023-11-25', 0.0);
INSERT INTO loan VALUES (32, 15, 15, '2023-12-06', '2023-12-28', 0.25);
INSERT INTO loan VALUES (33, 20, 6, '2023-12-20', '2024-01-29', 4.75);
INSERT INTO loan VALUES (34, 8, 3, '2024-01-02', '2024-01-23', 0.0);
INSERT INTO loan VALUES (35, 5, 7, '2024-01-14', '2024-01-27', 0.0);
INSERT INTO loan VALUES (36, 22, 7, '2024-01-23', '2024-01-29', 0.0);
INSERT INTO loan VALUES (37, 12, 7, '2024-02-07', '2024-02-29', 0.25);
INSERT INTO loan VALUES (38, 20, 5, '2024-03-23', NULL, NULL);
INSERT INTO loan VALUES (39, 5, 13, '2024-03-31', NULL, NULL);
INSERT INTO loan VALUES (40, 20, 10, '2024-04-02', NULL, NULL);
INSERT INTO loan VALUES (41, 14, 10, '2024-04-14', NULL, NULL);
INSERT INTO loan VALUES (42, 13, 13, '2024-05-12', NULL, NULL);

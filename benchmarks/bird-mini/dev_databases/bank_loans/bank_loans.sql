-- Districts, accounts, clients and loans of a bank (BIRD's financial, in miniature).
CREATE TABLE district (
    district_id INTEGER PRIMARY KEY,
    A2 TEXT,            -- district name
    A3 TEXT,            -- region
    A11 INTEGER         -- average salary
);
CREATE TABLE account (
    account_id INTEGER PRIMARY KEY,
    district_id INTEGER REFERENCES district (district_id),
    frequency TEXT,
    date DATE
);
CREATE TABLE client (
    client_id INTEGER PRIMARY KEY,
    gender TEXT,
    birth_date DATE,
    district_id INTEGER REFERENCES district (district_id)
);
CREATE TABLE disp (
    disp_id INTEGER PRIMARY KEY,
    client_id INTEGER REFERENCES client (client_id),
    account_id INTEGER REFERENCES account (account_id),
    type TEXT
);
CREATE TABLE loan (
    loan_id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES account (account_id),
    date DATE,
    amount INTEGER,
    duration INTEGER,
    status TEXT
);
INSERT INTO district VALUES
 (1, 'Hl.m. Praha', 'Prague', 12541),
 (2, 'Benesov', 'central Bohemia', 8507),
 (3, 'Beroun', 'central Bohemia', 8980),
 (4, 'Brno - mesto', 'south Moravia', 9897),
 (5, 'Ostrava - mesto', 'north Moravia', 10673),
 (6, 'Jesenik', 'north Moravia', 8173);
INSERT INTO account VALUES
 (1, 1, 'POPLATEK MESICNE', '1993-02-26'),
 (2, 1, 'POPLATEK MESICNE', '1995-04-07'),
 (3, 2, 'POPLATEK TYDNE', '1996-01-10'),
 (4, 3, 'POPLATEK MESICNE', '1993-08-18'),
 (5, 4, 'POPLATEK PO OBRATU', '1997-05-30'),
 (6, 4, 'POPLATEK MESICNE', '1994-11-02'),
 (7, 5, 'POPLATEK TYDNE', '1995-09-21'),
 (8, 5, 'POPLATEK MESICNE', '1996-12-12'),
 (9, 6, 'POPLATEK MESICNE', '1993-03-03'),
 (10, 1, 'POPLATEK TYDNE', '1997-07-07');
INSERT INTO client VALUES
 (1, 'F', '1970-12-13', 1),
 (2, 'M', '1945-02-04', 1),
 (3, 'F', '1940-10-09', 2),
 (4, 'M', '1956-12-01', 3),
 (5, 'F', '1960-07-03', 4),
 (6, 'M', '1980-01-15', 4),
 (7, 'F', '1975-05-23', 5),
 (8, 'M', '1968-08-30', 5),
 (9, 'F', '1950-03-17', 6),
 (10, 'M', '1985-11-11', 1);
INSERT INTO disp VALUES
 (1, 1, 1, 'OWNER'), (2, 2, 1, 'DISPONENT'), (3, 3, 3, 'OWNER'), (4, 4, 4, 'OWNER'),
 (5, 5, 5, 'OWNER'), (6, 6, 6, 'OWNER'), (7, 7, 7, 'OWNER'), (8, 8, 8, 'OWNER'),
 (9, 9, 9, 'OWNER'), (10, 10, 10, 'OWNER'), (11, 10, 2, 'OWNER');
INSERT INTO loan VALUES
 (1, 1, '1994-01-05', 80952, 24, 'A'),
 (2, 2, '1996-04-29', 30276, 12, 'B'),
 (3, 4, '1997-12-08', 318480, 60, 'D'),
 (4, 5, '1998-10-14', 110736, 48, 'C'),
 (5, 6, '1995-03-01', 52788, 12, 'A'),
 (6, 7, '1996-10-10', 165960, 24, 'C'),
 (7, 8, '1997-06-25', 127080, 36, 'A'),
 (8, 9, '1994-02-02', 80952, 24, 'B'),
 (9, 10, '1998-08-08', 42840, 12, 'C');

-- university: departments, instructors, students, courses and enrolments of a small university.
PRAGMA foreign_keys = ON;

CREATE TABLE department (
  dept_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  building TEXT,
  budget REAL
);

CREATE TABLE instructor (
  instructor_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  dept_id INTEGER NOT NULL REFERENCES department(dept_id),
  title TEXT,
  salary REAL,
  hire_year INTEGER
);

CREATE TABLE student (
  student_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  dept_id INTEGER REFERENCES department(dept_id),
  enrollment_year INTEGER,
  gpa REAL,
  hometown TEXT
);

CREATE TABLE course (
  course_id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  dept_id INTEGER NOT NULL REFERENCES department(dept_id),
  credits INTEGER,
  instructor_id INTEGER REFERENCES instructor(instructor_id)
);

CREATE TABLE enrollment (
  student_id INTEGER NOT NULL REFERENCES student(student_id),
  course_id TEXT NOT NULL REFERENCES course(course_id),
  semester TEXT NOT NULL,
  grade TEXT,
  PRIMARY KEY (student_id, course_id, semester)
);

INSERT INTO department VALUES (1, 'Computer Science', 'Turing Hall', 1250000.0);
INSERT INTO department VALUES (2, 'Mathematics', 'Noether Building', 640000.0);
INSERT INTO department VALUES (3, 'Physics', 'Faraday Hall', 980000.0);
INSERT INTO department VALUES (4, 'History', 'Old Library', 310000.0);
INSERT INTO department VALUES (5, 'Biology', 'Darwin Centre', 870000.0);
INSERT INTO department VALUES (6, 'Philosophy', 'Old Library', 190000.0);

INSERT INTO instructor VALUES (1, 'Margaret Ellison', 1, 'Professor', 128000.0, 2004);
INSERT INTO instructor VALUES (2, 'Victor Chang', 1, 'Associate Professor', 101000.0, 2013);
INSERT INTO instructor VALUES (3, 'Priya Raman', 1, 'Lecturer', 76000.0, 2020);
INSERT INTO instructor VALUES (4, 'Stefan Albrecht', 2, 'Professor', 119000.0, 1999);
INSERT INTO instructor VALUES (5, 'Lena Hoffmann', 2, 'Lecturer', 72000.0, 2021);
INSERT INTO instructor VALUES (6, 'Omar Farouk', 3, 'Professor', 124000.0, 2007);
INSERT INTO instructor VALUES (7, 'Julia Mendes', 3, 'Associate Professor', 96000.0, 2015);
INSERT INTO instructor VALUES (8, 'Edward Collins', 4, 'Professor', 98000.0, 2001);
INSERT INTO instructor VALUES (9, 'Grace Obi', 4, 'Lecturer', 64000.0, 2019);
INSERT INTO instructor VALUES (10, 'Henrik Larsen', 5, 'Associate Professor', 93000.0, 2012);
INSERT INTO instructor VALUES (11, 'Sophie Turner', 5, 'Lecturer', 70000.0, 2022);
INSERT INTO instructor VALUES (12, 'Arthur Penrose', 6, 'Professor', 91000.0, 1996);
INSERT INTO instructor VALUES (13, 'Mina Cho', 1, 'Lecturer', 76000.0, 2023);

INSERT INTO student VALUES (1, 'Aisha Bello', 3, 2022, 2.47, 'Leeds');
INSERT INTO student VALUES (2, 'Ben Carter', 1, 2022, 2.98, 'Oxford');
INSERT INTO student VALUES (3, 'Carmen Ruiz', 6, 2021, 2.37, 'Oxford');
INSERT INTO student VALUES (4, 'Daniel Wu', 1, 2022, 2.15, 'Leeds');
INSERT INTO student VALUES (5, 'Ella Novak', 1, 2021, 3.04, 'York');
INSERT INTO student VALUES (6, 'Farah Siddiqui', 1, 2022, 2.69, 'York');
INSERT INTO student VALUES (7, 'Gabriel Lopes', 5, 2022, 3.09, 'Leeds');
INSERT INTO student VALUES (8, 'Hiro Tanaka', 2, 2021, 2.23, 'Leeds');
INSERT INTO student VALUES (9, 'Ines Duarte', 5, 2022, 3.2, 'Oxford');
INSERT INTO student VALUES (10, 'Jakub Zielinski', 1, 2020, 3.65, 'Leeds');
INSERT INTO student VALUES (11, 'Kate Morgan', 3, 2020, 2.28, 'Leeds');
INSERT INTO student VALUES (12, 'Liam OConnor', 1, 2023, 2.6, 'Oxford');
INSERT INTO student VALUES (13, 'Maria Popescu', 1, 2022, 3.83, 'Leeds');
INSERT INTO student VALUES (14, 'Nils Eriksen', 4, 2023, 3.08, 'Leeds');
INSERT INTO student VALUES (15, 'Omar Haddad', 6, 2022, 2.84, 'Bristol');
INSERT INTO student VALUES (16, 'Paula Schmidt', 4, 2020, 3.85, 'Leeds');
INSERT INTO student VALUES (17, 'Quentin Roy', 1, 2022, 3.27, 'Bath');
INSERT INTO student VALUES (18, 'Rosa Jimenez', 4, 2020, 2.57, 'Oxford');
INSERT INTO student VALUES (19, 'Samir Patel', 6, 2023, NULL, 'Leeds');
INSERT INTO student VALUES (20, 'Tara Quinn', 1, 2021, 2.65, 'York');
INSERT INTO student VALUES (21, 'Uma Krishnan', 1, 2022, 3.79, 'York');
INSERT INTO student VALUES (22, 'Victor Hugo Alves', 6, 2020, 2.22, 'Leeds');
INSERT INTO student VALUES (23, 'Wen Li', 1, 2020, 3.4, 'Leeds');
INSERT INTO student VALUES (24, 'Yara Nasser', 1, 2023, 2.31, 'York');
INSERT INTO student VALUES (25, 'Zane Cooper', 5, 2020, 3.73, 'Bristol');
INSERT INTO student VALUES (26, 'Alice Dupont', NULL, 2021, 2.58, 'York');

INSERT INTO course VALUES ('CS101', 'Introduction to Programming', 1, 4, 3);
INSERT INTO course VALUES ('CS220', 'Data Structures', 1, 4, 2);
INSERT INTO course VALUES ('CS340', 'Databases', 1, 3, 1);
INSERT INTO course VALUES ('CS410', 'Machine Learning', 1, 3, 13);
INSERT INTO course VALUES ('MA101', 'Calculus I', 2, 4, 5);
INSERT INTO course VALUES ('MA210', 'Linear Algebra', 2, 3, 4);
INSERT INTO course VALUES ('MA330', 'Probability', 2, 3, 4);
INSERT INTO course VALUES ('PH101', 'Mechanics', 3, 4, 7);
INSERT INTO course VALUES ('PH250', 'Electromagnetism', 3, 4, 6);
INSERT INTO course VALUES ('HI120', 'Medieval Europe', 4, 3, 9);
INSERT INTO course VALUES ('HI305', 'History of Science', 4, 3, 8);
INSERT INTO course VALUES ('BI110', 'Cell Biology', 5, 4, 10);
INSERT INTO course VALUES ('BI260', 'Genetics', 5, 3, 11);
INSERT INTO course VALUES ('PL100', 'Introduction to Logic', 6, 3, 12);
INSERT INTO course VALUES ('PL240', 'Ethics', 6, 3, NULL);

INSERT INTO enrollment VALUES (1, 'MA101', '2024-Spring', 'A');
INSERT INTO enrollment VALUES (2, 'BI110', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (3, 'CS220', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (3, 'MA101', '2023-Fall', 'B');
INSERT INTO enrollment VALUES (3, 'PL100', '2023-Fall', 'A');
INSERT INTO enrollment VALUES (3, 'PL100', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (3, 'PL100', '2024-Spring', 'D');
INSERT INTO enrollment VALUES (4, 'BI260', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (4, 'MA330', '2023-Fall', 'B');
INSERT INTO enrollment VALUES (4, 'MA330', '2024-Spring', 'F');
INSERT INTO enrollment VALUES (5, 'CS101', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (6, 'BI260', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (6, 'CS101', '2023-Fall', 'C');
INSERT INTO enrollment VALUES (6, 'CS340', '2024-Spring', 'D');
INSERT INTO enrollment VALUES (6, 'CS410', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (6, 'MA101', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (7, 'BI260', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (7, 'HI305', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (8, 'BI260', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (8, 'MA210', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (9, 'BI110', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (9, 'BI260', '2023-Fall', 'A');
INSERT INTO enrollment VALUES (9, 'HI305', '2024-Spring', 'A');
INSERT INTO enrollment VALUES (11, 'BI260', '2024-Spring', 'A');
INSERT INTO enrollment VALUES (11, 'PH101', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (12, 'BI110', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (12, 'CS101', '2023-Fall', 'F');
INSERT INTO enrollment VALUES (12, 'CS410', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (12, 'HI305', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (12, 'HI305', '2024-Spring', 'A');
INSERT INTO enrollment VALUES (12, 'PL100', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (13, 'CS410', '2024-Spring', 'A');
INSERT INTO enrollment VALUES (13, 'PH250', '2023-Fall', 'B');
INSERT INTO enrollment VALUES (14, 'HI120', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (14, 'HI305', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (14, 'HI305', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (14, 'PH101', '2023-Fall', 'B');
INSERT INTO enrollment VALUES (15, 'CS101', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (15, 'CS340', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (15, 'PH250', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (15, 'PL100', '2023-Fall', 'D');
INSERT INTO enrollment VALUES (15, 'PL100', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (16, 'HI120', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (16, 'HI305', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (17, 'CS101', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (17, 'CS220', '2023-Fall', 'B');
INSERT INTO enrollment VALUES (17, 'CS340', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (17, 'CS410', '2024-Spring', 'A');
INSERT INTO enrollment VALUES (17, 'MA101', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (19, 'HI120', '2023-Fall', 'D');
INSERT INTO enrollment VALUES (19, 'HI120', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (19, 'MA101', '2024-Spring', 'D');
INSERT INTO enrollment VALUES (19, 'PL100', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (21, 'CS340', '2023-Fall', 'C');
INSERT INTO enrollment VALUES (21, 'MA210', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (22, 'HI120', '2024-Spring', 'D');
INSERT INTO enrollment VALUES (22, 'PL100', '2024-Spring', 'C');
INSERT INTO enrollment VALUES (24, 'CS101', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (24, 'CS101', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (24, 'CS410', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (24, 'HI305', '2024-Fall', NULL);
INSERT INTO enrollment VALUES (24, 'PL100', '2024-Spring', 'B');
INSERT INTO enrollment VALUES (25, 'BI260', '2024-Spring', 'A');
INSERT INTO enrollment VALUES (25, 'CS340', '2024-Spring', 'A');

-- clinic: a small outpatient clinic (doctors, patients, appointments, medications, prescriptions).
PRAGMA foreign_keys = ON;

CREATE TABLE doctor (
  doctor_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  specialty TEXT NOT NULL,
  years_experience INTEGER,
  salary REAL
);

CREATE TABLE patient (
  patient_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  gender TEXT,
  birth_date TEXT,
  city TEXT,
  insurance TEXT
);

CREATE TABLE appointment (
  appointment_id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patient(patient_id),
  doctor_id INTEGER NOT NULL REFERENCES doctor(doctor_id),
  appointment_date TEXT NOT NULL,
  reason TEXT,
  fee REAL,
  status TEXT
);

CREATE TABLE medication (
  medication_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  manufacturer TEXT,
  unit_price REAL
);

CREATE TABLE prescription (
  prescription_id INTEGER PRIMARY KEY,
  appointment_id INTEGER NOT NULL REFERENCES appointment(appointment_id),
  medication_id INTEGER NOT NULL REFERENCES medication(medication_id),
  dosage TEXT,
  days INTEGER
);

INSERT INTO doctor VALUES (1, 'Dr. Sofia Brandt', 'Cardiology', 22, 182000.0);
INSERT INTO doctor VALUES (2, 'Dr. Rahul Mehta', 'Pediatrics', 9, 121000.0);
INSERT INTO doctor VALUES (3, 'Dr. Yuki Tanaka', 'Dermatology', 14, 150000.0);
INSERT INTO doctor VALUES (4, 'Dr. Peter Holm', 'General Practice', 31, 134000.0);
INSERT INTO doctor VALUES (5, 'Dr. Leila Navarro', 'Cardiology', 7, 158000.0);
INSERT INTO doctor VALUES (6, 'Dr. James Osei', 'Orthopedics', 18, 175000.0);
INSERT INTO doctor VALUES (7, 'Dr. Anna Kowalski', 'General Practice', 4, 98000.0);
INSERT INTO doctor VALUES (8, 'Dr. Marcus Reed', 'Neurology', 25, 190000.0);
INSERT INTO doctor VALUES (9, 'Dr. Hana Sato', 'Pediatrics', 12, 121000.0);
INSERT INTO doctor VALUES (10, 'Dr. Oliver Grant', 'Orthopedics', 2, NULL);
INSERT INTO doctor VALUES (11, 'Dr. Emma Laurent', 'Dermatology', 19, 150000.0);

INSERT INTO patient VALUES (1, 'Michael Torres', 'M', '1958-04-12', 'Springfield', 'MediCare Plus');
INSERT INTO patient VALUES (2, 'Laura Chen', 'F', '1990-09-03', 'Riverton', 'HealthFirst');
INSERT INTO patient VALUES (3, 'Samuel Adeyemi', 'M', '2015-01-22', 'Springfield', 'HealthFirst');
INSERT INTO patient VALUES (4, 'Nina Petrova', 'F', '1983-07-30', 'Lakeside', NULL);
INSERT INTO patient VALUES (5, 'George Miller', 'M', '1947-11-05', 'Springfield', 'MediCare Plus');
INSERT INTO patient VALUES (6, 'Fatima Khan', 'F', '2001-02-14', 'Riverton', 'CareWell');
INSERT INTO patient VALUES (7, 'Oscar Lindgren', 'M', '1976-06-18', 'Lakeside', 'CareWell');
INSERT INTO patient VALUES (8, 'Priya Sharma', 'F', '2012-10-09', 'Springfield', 'HealthFirst');
INSERT INTO patient VALUES (9, 'Daniel Brooks', 'M', '1969-03-27', 'Hillview', NULL);
INSERT INTO patient VALUES (10, 'Emily Watson', 'F', '1995-12-01', 'Riverton', 'HealthFirst');
INSERT INTO patient VALUES (11, 'Tomas Novak', 'M', '1988-08-08', 'Hillview', 'CareWell');
INSERT INTO patient VALUES (12, 'Grace Liu', 'F', '1952-05-19', 'Lakeside', 'MediCare Plus');
INSERT INTO patient VALUES (13, 'Ahmed Hassan', 'M', '2018-03-02', 'Springfield', 'CareWell');
INSERT INTO patient VALUES (14, 'Sara Rossi', 'F', '1979-01-15', 'Hillview', 'HealthFirst');
INSERT INTO patient VALUES (15, 'Kevin Park', 'M', '1999-07-23', 'Riverton', NULL);
INSERT INTO patient VALUES (16, 'Julia Weber', 'F', '1965-09-11', 'Springfield', 'MediCare Plus');
INSERT INTO patient VALUES (17, 'Ivan Morozov', 'M', '1972-04-04', 'Lakeside', 'HealthFirst');
INSERT INTO patient VALUES (18, 'Chloe Dubois', 'F', '2008-06-26', 'Hillview', 'CareWell');
INSERT INTO patient VALUES (19, 'Robert King', 'M', '1955-10-30', 'Riverton', 'MediCare Plus');
INSERT INTO patient VALUES (20, 'Lucia Alvarez', 'F', '1993-03-08', 'Springfield', NULL);

INSERT INTO appointment VALUES (1, 2, 7, '2023-06-11', 'Flu symptoms', 75.0, 'Completed');
INSERT INTO appointment VALUES (2, 3, 2, '2023-06-12', 'Fever', 90.0, 'Completed');
INSERT INTO appointment VALUES (3, 5, 5, '2023-06-13', 'Hypertension follow-up', 220.0, 'Completed');
INSERT INTO appointment VALUES (4, 13, 3, '2023-06-13', 'Eczema', 140.0, 'Completed');
INSERT INTO appointment VALUES (5, 7, 11, '2023-06-19', 'Rash', 140.0, 'No-show');
INSERT INTO appointment VALUES (6, 6, 8, '2023-06-26', 'Migraine', 240.0, 'Completed');
INSERT INTO appointment VALUES (7, 7, 3, '2023-06-27', 'Rash', 140.0, 'Completed');
INSERT INTO appointment VALUES (8, 17, 7, '2023-07-02', 'Back pain', 75.0, 'Completed');
INSERT INTO appointment VALUES (9, 4, 6, '2023-07-04', 'Back pain', 180.0, 'Completed');
INSERT INTO appointment VALUES (10, 17, 8, '2023-07-16', 'Numbness', 240.0, 'No-show');
INSERT INTO appointment VALUES (11, 16, 4, '2023-08-09', 'Back pain', 75.0, 'Completed');
INSERT INTO appointment VALUES (12, 15, 5, '2023-08-27', 'Hypertension follow-up', 220.0, 'No-show');
INSERT INTO appointment VALUES (13, 11, 3, '2023-08-27', 'Eczema', 140.0, 'Completed');
INSERT INTO appointment VALUES (14, 14, 6, '2023-08-30', 'Knee pain', 180.0, 'No-show');
INSERT INTO appointment VALUES (15, 14, 5, '2023-09-01', 'Palpitations', 220.0, 'Completed');
INSERT INTO appointment VALUES (16, 4, 4, '2023-09-01', 'Flu symptoms', 75.0, 'No-show');
INSERT INTO appointment VALUES (17, 11, 6, '2023-09-03', 'Fracture review', 180.0, 'Completed');
INSERT INTO appointment VALUES (18, 13, 3, '2023-09-03', 'Acne', 140.0, 'Completed');
INSERT INTO appointment VALUES (19, 2, 5, '2023-09-13', 'Palpitations', 220.0, 'Completed');
INSERT INTO appointment VALUES (20, 12, 3, '2023-09-19', 'Acne', 140.0, 'Completed');
INSERT INTO appointment VALUES (21, 7, 4, '2023-10-01', 'Annual checkup', 75.0, 'Completed');
INSERT INTO appointment VALUES (22, 14, 11, '2023-10-08', 'Rash', 140.0, 'Completed');
INSERT INTO appointment VALUES (23, 12, 7, '2023-10-11', 'Back pain', 75.0, 'Completed');
INSERT INTO appointment VALUES (24, 9, 5, '2023-10-11', 'Chest pain', 220.0, 'Completed');
INSERT INTO appointment VALUES (25, 3, 2, '2023-10-16', 'Vaccination', 90.0, 'Completed');
INSERT INTO appointment VALUES (26, 17, 4, '2023-10-22', 'Back pain', 75.0, 'Completed');
INSERT INTO appointment VALUES (27, 12, 4, '2023-11-16', 'Back pain', 75.0, 'Completed');
INSERT INTO appointment VALUES (28, 18, 3, '2023-12-03', 'Eczema', 140.0, 'Completed');
INSERT INTO appointment VALUES (29, 12, 3, '2024-01-08', 'Rash', 140.0, 'Completed');
INSERT INTO appointment VALUES (30, 15, 5, '2024-01-13', 'Chest pain', 220.0, 'Completed');
INSERT INTO appointment VALUES (31, 5, 7, '2024-01-22', 'Annual checkup', 75.0, 'No-show');
INSERT INTO appointment VALUES (32, 12, 4, '2024-02-09', 'Annual checkup', 75.0, 'Completed');
INSERT INTO appointment VALUES (33, 1, 4, '2024-02-12', 'Annual checkup', 75.0, 'Completed');
INSERT INTO appointment VALUES (34, 14, 6, '2024-02-15', 'Fracture review', 180.0, 'Completed');
INSERT INTO appointment VALUES (35, 18, 3, '2024-02-25', 'Eczema', 140.0, 'Completed');
INSERT INTO appointment VALUES (36, 16, 4, '2024-04-05', 'Flu symptoms', 75.0, 'Completed');
INSERT INTO appointment VALUES (37, 12, 3, '2024-04-07', 'Rash', 140.0, 'Completed');
INSERT INTO appointment VALUES (38, 1, 8, '2024-04-07', 'Migraine', 240.0, 'Completed');
INSERT INTO appointment VALUES (39, 19, 11, '2024-04-12', 'Acne', 140.0, 'Completed');
INSERT INTO appointment VALUES (40, 6, 4, '2024-04-26', 'Annual checkup', 75.0, 'Completed');
INSERT INTO appointment VALUES (41, 6, 4, '2024-05-16', 'Flu symptoms', 0.0, 'Cancelled');
INSERT INTO appointment VALUES (42, 16, 11, '2024-06-07', 'Eczema', 140.0, 'Scheduled');
INSERT INTO appointment VALUES (43, 6, 3, '2024-06-13', 'Acne', 0.0, 'Cancelled');
INSERT INTO appointment VALUES (44, 13, 2, '2024-06-19', 'Ear infection', 0.0, 'Cancelled');
INSERT INTO appointment VALUES (45, 1, 6, '2024-06-27', 'Knee pain', 180.0, 'Scheduled');

INSERT INTO medication VALUES (1, 'Amlodipine', 'Norvex Pharma', 0.35);
INSERT INTO medication VALUES (2, 'Amoxicillin', 'Helix Labs', 0.6);
INSERT INTO medication VALUES (3, 'Ibuprofen', 'Norvex Pharma', 0.12);
INSERT INTO medication VALUES (4, 'Hydrocortisone Cream', 'Dermacare', 4.8);
INSERT INTO medication VALUES (5, 'Atorvastatin', 'Helix Labs', 0.55);
INSERT INTO medication VALUES (6, 'Paracetamol', 'Generica', 0.08);
INSERT INTO medication VALUES (7, 'Gabapentin', 'Neuroline', 0.9);
INSERT INTO medication VALUES (8, 'Metoprolol', 'Norvex Pharma', 0.4);
INSERT INTO medication VALUES (9, 'Cetirizine', 'Generica', 0.15);
INSERT INTO medication VALUES (10, 'Tretinoin Gel', 'Dermacare', 12.5);

INSERT INTO prescription VALUES (1, 2, 6, '1 tablet daily', 14);
INSERT INTO prescription VALUES (2, 3, 1, '1 tablet daily', 5);
INSERT INTO prescription VALUES (3, 3, 8, '2 tablets daily', 10);
INSERT INTO prescription VALUES (4, 4, 9, '1 tablet daily', 30);
INSERT INTO prescription VALUES (5, 4, 4, 'apply twice daily', 10);
INSERT INTO prescription VALUES (6, 7, 10, 'apply twice daily', 5);
INSERT INTO prescription VALUES (7, 7, 4, 'apply twice daily', 30);
INSERT INTO prescription VALUES (8, 8, 3, '1 tablet twice daily', 5);
INSERT INTO prescription VALUES (9, 8, 2, '1 tablet daily', 10);
INSERT INTO prescription VALUES (10, 9, 6, '1 tablet twice daily', 30);
INSERT INTO prescription VALUES (11, 11, 6, '1 tablet twice daily', 90);
INSERT INTO prescription VALUES (12, 11, 2, '1 tablet twice daily', 5);
INSERT INTO prescription VALUES (13, 17, 6, '1 tablet daily', 7);
INSERT INTO prescription VALUES (14, 18, 10, 'apply twice daily', 10);
INSERT INTO prescription VALUES (15, 21, 6, '1 tablet daily', 7);
INSERT INTO prescription VALUES (16, 22, 10, 'apply twice daily', 10);
INSERT INTO prescription VALUES (17, 23, 6, '1 tablet daily', 30);
INSERT INTO prescription VALUES (18, 24, 5, '2 tablets daily', 10);
INSERT INTO prescription VALUES (19, 24, 1, '1 tablet twice daily', 30);
INSERT INTO prescription VALUES (20, 25, 2, '2 tablets daily', 30);
INSERT INTO prescription VALUES (21, 26, 6, '1 tablet daily', 90);
INSERT INTO prescription VALUES (22, 27, 6, '1 tablet daily', 30);
INSERT INTO prescription VALUES (23, 27, 2, '2 tablets daily', 5);
INSERT INTO prescription VALUES (24, 28, 10, 'apply twice daily', 7);
INSERT INTO prescription VALUES (25, 30, 5, '1 tablet twice daily', 30);
INSERT INTO prescription VALUES (26, 32, 6, '2 tablets daily', 7);
INSERT INTO prescription VALUES (27, 32, 2, '2 tablets daily', 30);
INSERT INTO prescription VALUES (28, 33, 3, '1 tablet daily', 90);
INSERT INTO prescription VALUES (29, 34, 3, '1 tablet twice daily', 14);
INSERT INTO prescription VALUES (30, 36, 3, '1 tablet daily', 30);
INSERT INTO prescription VALUES (31, 38, 7, '1 tablet twice daily', 14);
INSERT INTO prescription VALUES (32, 38, 3, '2 tablets daily', 30);
INSERT INTO prescription VALUES (33, 39, 9, '2 tablets daily', 30);

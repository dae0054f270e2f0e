-- online_shop: a small web shop (customers, products, orders, order items, reviews).
PRAGMA foreign_keys = ON;

CREATE TABLE customer (
  customer_id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT,
  country TEXT,
  signup_date TEXT
);

CREATE TABLE product (
  product_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  price REAL NOT NULL,
  stock INTEGER
);

CREATE TABLE orders (
  order_id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer(customer_id),
  order_date TEXT NOT NULL,
  status TEXT NOT NULL,
  shipping_cost REAL
);

CREATE TABLE order_item (
  order_id INTEGER NOT NULL REFERENCES orders(order_id),
  product_id INTEGER NOT NULL REFERENCES product(product_id),
  quantity INTEGER NOT NULL,
  unit_price REAL NOT NULL,
  PRIMARY KEY (order_id, product_id)
);

CREATE TABLE review (
  review_id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL REFERENCES product(product_id),
  customer_id INTEGER NOT NULL REFERENCES customer(customer_id),
  rating INTEGER NOT NULL,
  review_date TEXT
);

INSERT INTO customer VALUES (1, 'Hannah', 'Fischer', 'hannah.fischer@example.com', 'Germany', '2021-05-26');
INSERT INTO customer VALUES (2, 'Lucas', 'Moreau', 'lucas.moreau@example.com', 'France', '2022-10-01');
INSERT INTO customer VALUES (3, 'Emma', 'Johansson', 'emma.johansson@example.com', 'Sweden', '2023-06-10');
INSERT INTO customer VALUES (4, 'Mateus', 'Lima', 'mateus.lima@example.com', 'Brazil', '2022-05-20');
INSERT INTO customer VALUES (5, 'Olivia', 'Smith', 'olivia.smith@example.com', 'United Kingdom', '2023-07-02');
INSERT INTO customer VALUES (6, 'Jonas', 'Weber', 'jonas.weber@example.com', 'Germany', '2022-08-26');
INSERT INTO customer VALUES (7, 'Chiara', 'Bianchi', NULL, 'Italy', '2022-06-09');
INSERT INTO customer VALUES (8, 'Noah', 'Williams', 'noah.williams@example.com', 'United States', '2021-07-14');
INSERT INTO customer VALUES (9, 'Zoe', 'Martin', 'zoe.martin@example.com', 'France', '2023-10-11');
INSERT INTO customer VALUES (10, 'Ryan', 'Murphy', 'ryan.murphy@example.com', 'Ireland', '2022-01-13');
INSERT INTO customer VALUES (11, 'Elif', 'Yilmaz', 'elif.yilmaz@example.com', 'Turkey', '2023-08-18');
INSERT INTO customer VALUES (12, 'Ana', 'Costa', 'ana.costa@example.com', 'Portugal', '2023-12-07');
INSERT INTO customer VALUES (13, 'Leon', 'Schulz', 'leon.schulz@example.com', 'Germany', '2021-09-20');
INSERT INTO customer VALUES (14, 'Mia', 'Brown', 'mia.brown@example.com', 'United States', '2021-05-23');
INSERT INTO customer VALUES (15, 'Pierre', 'Lefevre', NULL, 'France', '2023-01-15');
INSERT INTO customer VALUES (16, 'Sofia', 'Rossi', 'sofia.rossi@example.com', 'Italy', '2021-12-09');
INSERT INTO customer VALUES (17, 'Tom', 'Baker', 'tom.baker@example.com', 'United Kingdom', '2023-04-15');
INSERT INTO customer VALUES (18, 'Nadia', 'Haddad', 'nadia.haddad@example.com', 'Germany', '2023-07-27');

INSERT INTO product VALUES (1, 'Wireless Mouse', 'Electronics', 24.99, 120);
INSERT INTO product VALUES (2, 'Mechanical Keyboard', 'Electronics', 89.0, 45);
INSERT INTO product VALUES (3, 'USB-C Hub', 'Electronics', 39.5, 0);
INSERT INTO product VALUES (4, 'Noise Cancelling Headphones', 'Electronics', 199.0, 18);
INSERT INTO product VALUES (5, 'Ceramic Coffee Mug', 'Kitchen', 12.0, 300);
INSERT INTO product VALUES (6, 'French Press', 'Kitchen', 34.9, 60);
INSERT INTO product VALUES (7, 'Chef Knife', 'Kitchen', 59.0, 25);
INSERT INTO product VALUES (8, 'Cast Iron Pan', 'Kitchen', 44.0, 0);
INSERT INTO product VALUES (9, 'Yoga Mat', 'Sports', 29.99, 80);
INSERT INTO product VALUES (10, 'Running Shoes', 'Sports', 119.0, 35);
INSERT INTO product VALUES (11, 'Water Bottle', 'Sports', 15.5, 210);
INSERT INTO product VALUES (12, 'Resistance Bands', 'Sports', 19.99, 95);
INSERT INTO product VALUES (13, 'Desk Lamp', 'Home', 42.0, 50);
INSERT INTO product VALUES (14, 'Linen Throw', 'Home', 64.0, 12);
INSERT INTO product VALUES (15, 'Scented Candle', 'Home', 18.0, 140);
INSERT INTO product VALUES (16, 'Wall Clock', 'Home', 27.5, 40);
INSERT INTO product VALUES (17, 'Notebook Set', 'Stationery', 9.5, 500);
INSERT INTO product VALUES (18, 'Fountain Pen', 'Stationery', 48.0, 30);
INSERT INTO product VALUES (19, 'Desk Organizer', 'Stationery', 21.0, 0);
INSERT INTO product VALUES (20, 'Travel Backpack', 'Sports', 74.0, 22);

INSERT INTO orders VALUES (1, 10, '2023-01-22', 'Delivered', 9.99);
INSERT INTO orders VALUES (2, 9, '2023-01-27', 'Delivered', NULL);
INSERT INTO orders VALUES (3, 13, '2023-02-03', 'Delivered', 9.99);
INSERT INTO orders VALUES (4, 12, '2023-02-14', 'Cancelled', 4.99);
INSERT INTO orders VALUES (5, 12, '2023-03-12', 'Delivered', 0.0);
INSERT INTO orders VALUES (6, 10, '2023-03-22', 'Delivered', 0.0);
INSERT INTO orders VALUES (7, 4, '2023-04-21', 'Delivered', 4.99);
INSERT INTO orders VALUES (8, 12, '2023-04-27', 'Delivered', 4.99);
INSERT INTO orders VALUES (9, 1, '2023-05-04', 'Delivered', 4.99);
INSERT INTO orders VALUES (10, 13, '2023-05-07', 'Delivered', NULL);
INSERT INTO orders VALUES (11, 14, '2023-05-28', 'Delivered', 0.0);
INSERT INTO orders VALUES (12, 1, '2023-06-30', 'Delivered', 4.99);
INSERT INTO orders VALUES (13, 5, '2023-07-15', 'Delivered', NULL);
INSERT INTO orders VALUES (14, 7, '2023-07-17', 'Delivered', 9.99);
INSERT INTO orders VALUES (15, 10, '2023-08-04', 'Delivered', NULL);
INSERT INTO orders VALUES (16, 16, '2023-08-08', 'Delivered', 4.99);
INSERT INTO orders VALUES (17, 1, '2023-08-09', 'Delivered', 4.99);
INSERT INTO orders VALUES (18, 6, '2023-11-01', 'Delivered', 9.99);
INSERT INTO orders VALUES (19, 3, '2023-11-23', 'Delivered', 4.99);
INSERT INTO orders VALUES (20, 1, '2023-11-26', 'Delivered', NULL);
INSERT INTO orders VALUES (21, 7, '2023-12-04', 'Delivered', 0.0);
INSERT INTO orders VALUES (22, 4, '2024-01-04', 'Delivered', 4.99);
INSERT INTO orders VALUES (23, 13, '2024-01-20', 'Delivered', 4.99);
INSERT INTO orders VALUES (24, 2, '2024-02-21', 'Delivered', 4.99);
INSERT INTO orders VALUES (25, 1, '2024-02-21', 'Delivered', 4.99);
INSERT INTO orders VALUES (26, 3, '2024-02-27', 'Delivered', 4.99);
INSERT INTO orders VALUES (27, 13, '2024-02-29', 'Cancelled', 4.99);
INSERT INTO orders VALUES (28, 18, '2024-03-09', 'Delivered', 9.99);
INSERT INTO orders VALUES (29, 4, '2024-03-17', 'Delivered', 4.99);
INSERT INTO orders VALUES (30, 4, '2024-03-21', 'Delivered', 9.99);
INSERT INTO orders VALUES (31, 12, '2024-04-23', 'Delivered', NULL);
INSERT INTO orders VALUES (32, 10, '2024-05-08', 'Delivered', 9.99);
INSERT INTO orders VALUES (33, 12, '2024-05-13', 'Delivered', 4.99);
INSERT INTO orders VALUES (34, 12, '2024-05-18', 'Delivered', 4.99);

INSERT INTO order_item VALUES (1, 8, 2, 44.0);
INSERT INTO order_item VALUES (1, 3, 4, 39.5);
INSERT INTO order_item VALUES (1, 2, 3, 80.1);
INSERT INTO order_item VALUES (2, 12, 2, 19.99);
INSERT INTO order_item VALUES (2, 7, 1, 59.0);
INSERT INTO order_item VALUES (3, 9, 2, 29.99);
INSERT INTO order_item VALUES (4, 6, 3, 34.9);
INSERT INTO order_item VALUES (4, 7, 1, 59.0);
INSERT INTO order_item VALUES (5, 4, 2, 179.1);
INSERT INTO order_item VALUES (6, 6, 4, 34.9);
INSERT INTO order_item VALUES (6, 9, 2, 29.99);
INSERT INTO order_item VALUES (6, 18, 2, 48.0);
INSERT INTO order_item VALUES (7, 11, 1, 15.5);
INSERT INTO order_item VALUES (8, 1, 2, 24.99);
INSERT INTO order_item VALUES (8, 3, 3, 39.5);
INSERT INTO order_item VALUES (9, 4, 1, 179.1);
INSERT INTO order_item VALUES (9, 7, 3, 59.0);
INSERT INTO order_item VALUES (9, 19, 4, 21.0);
INSERT INTO order_item VALUES (10, 12, 4, 19.99);
INSERT INTO order_item VALUES (10, 8, 2, 44.0);
INSERT INTO order_item VALUES (11, 4, 3, 179.1);
INSERT INTO order_item VALUES (11, 10, 1, 107.1);
INSERT INTO order_item VALUES (12, 19, 1, 21.0);
INSERT INTO order_item VALUES (13, 6, 1, 34.9);
INSERT INTO order_item VALUES (13, 9, 1, 29.99);
INSERT INTO order_item VALUES (14, 11, 4, 15.5);
INSERT INTO order_item VALUES (14, 19, 3, 21.0);
INSERT INTO order_item VALUES (15, 20, 3, 74.0);
INSERT INTO order_item VALUES (15, 14, 1, 64.0);
INSERT INTO order_item VALUES (16, 18, 3, 48.0);
INSERT INTO order_item VALUES (16, 15, 3, 18.0);
INSERT INTO order_item VALUES (16, 2, 1, 89.0);
INSERT INTO order_item VALUES (17, 9, 2, 29.99);
INSERT INTO order_item VALUES (17, 7, 2, 59.0);
INSERT INTO order_item VALUES (18, 11, 2, 15.5);
INSERT INTO order_item VALUES (19, 2, 1, 89.0);
INSERT INTO order_item VALUES (20, 17, 1, 9.5);
INSERT INTO order_item VALUES (20, 18, 4, 48.0);
INSERT INTO order_item VALUES (21, 1, 2, 24.99);
INSERT INTO order_item VALUES (21, 19, 2, 21.0);
INSERT INTO order_item VALUES (22, 6, 1, 34.9);
INSERT INTO order_item VALUES (22, 11, 1, 15.5);
INSERT INTO order_item VALUES (22, 13, 1, 42.0);
INSERT INTO order_item VALUES (23, 19, 3, 21.0);
INSERT INTO order_item VALUES (23, 14, 2, 64.0);
INSERT INTO order_item VALUES (23, 5, 4, 12.0);
INSERT INTO order_item VALUES (24, 12, 3, 19.99);
INSERT INTO order_item VALUES (25, 7, 3, 59.0);
INSERT INTO order_item VALUES (25, 5, 1, 12.0);
INSERT INTO order_item VALUES (25, 1, 1, 24.99);
INSERT INTO order_item VALUES (26, 12, 2, 19.99);
INSERT INTO order_item VALUES (27, 5, 1, 12.0);
INSERT INTO order_item VALUES (27, 3, 1, 39.5);
INSERT INTO order_item VALUES (27, 14, 2, 64.0);
INSERT INTO order_item VALUES (28, 11, 1, 15.5);
INSERT INTO order_item VALUES (28, 7, 1, 59.0);
INSERT INTO order_item VALUES (29, 5, 2, 12.0);
INSERT INTO order_item VALUES (29, 9, 2, 29.99);
INSERT INTO order_item VALUES (30, 2, 1, 89.0);
INSERT INTO order_item VALUES (31, 4, 2, 199.0);
INSERT INTO order_item VALUES (32, 11, 1, 15.5);
INSERT INTO order_item VALUES (33, 6, 1, 34.9);
INSERT INTO order_item VALUES (34, 10, 4, 119.0);

INSERT INTO review VALUES (1, 3, 10, 2, '2023-02-12');
INSERT INTO review VALUES (2, 9, 13, 1, '2023-02-21');
INSERT INTO review VALUES (3, 6, 10, 1, '2023-03-25');
INSERT INTO review VALUES (4, 4, 12, 5, '2023-03-30');
INSERT INTO review VALUES (5, 11, 4, 4, '2023-04-29');
INSERT INTO review VALUES (6, 7, 1, 1, '2023-05-13');
INSERT INTO review VALUES (7, 12, 13, 4, '2023-05-26');
INSERT INTO review VALUES (8, 4, 14, 2, '2023-06-04');
INSERT INTO review VALUES (9, 4, 14, 5, '2023-06-05');
INSERT INTO review VALUES (10, 11, 7, 4, '2023-08-12');
INSERT INTO review VALUES (11, 18, 16, 4, '2023-08-15');
INSERT INTO review VALUES (12, 18, 16, 5, '2023-08-16');
INSERT INTO review VALUES (13, 9, 1, 2, '2023-08-30');
INSERT INTO review VALUES (14, 18, 1, 5, '2023-12-04');
INSERT INTO review VALUES (15, 18, 1, 4, '2023-12-10');
INSERT INTO review VALUES (16, 1, 7, 5, '2023-12-23');
INSERT INTO review VALUES (17, 13, 4, 1, '2024-01-12');
INSERT INTO review VALUES (18, 6, 4, 1, '2024-02-01');
INSERT INTO review VALUES (19, 5, 13, 3, '2024-02-11');
INSERT INTO review VALUES (20, 5, 1, 4, '2024-02-27');
INSERT INTO review VALUES (21, 1, 1, 2, '2024-03-05');
INSERT INTO review VALUES (22, 5, 13, 1, '2024-03-06');
INSERT INTO review VALUES (23, 12, 3, 5, '2024-03-11');
INSERT INTO review VALUES (24, 3, 13, 3, '2024-03-21');
INSERT INTO review VALUES (25, 9, 4, 2, '2024-04-01');
INSERT INTO review VALUES (26, 6, 12, 4, '2024-05-30');

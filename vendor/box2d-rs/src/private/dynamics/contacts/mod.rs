pub mod b2_chain_circle_contact;
pub mod b2_chain_polygon_contact;
pub mod b2_circle_contact;
pub mod b2_edge_circle_contact;
pub mod b2_edge_polygon_contact;
pub mod b2_polygon_circle_contact;
pub mod b2_polygon_contact;
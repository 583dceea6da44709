//! An [`Actor`] as an ONNX model: the bytes of a `.onnx` file that onnxruntime, `onnx.checker` and the
//! VNN-COMP verifiers read.
//!
//! The graph, opset 13 under IR version 7 (ONNX 1.8, 2020; every runtime and verifier of today reads
//! it), for an actor with layers 1 … N:
//!
//! ```text
//! obs [batch, n] ─ MatMul(layer1.weight_t) ─ Add(layer1.bias) ─ activation ─ … ─ MatMul(layerN.weight_t)
//!                  ─ Add(layerN.bias) ─ head ─ action [batch, m]
//! ```
//!
//! - Weights are stored transposed (`in × out`, the layout MatMul takes), so every stored value is the
//!   actor's own: pruned weights stay exact zeros. A bias-free layer has no Add.
//! - MatMul + Add rather than Gemm: Marabou's ONNX reader, for one, takes Gemm only with a bias.
//! - Activations: Relu, Tanh, Sigmoid, Elu; identity adds no node. ONNX's Elu takes α as a float32
//!   attribute and onnxruntime runs it in float32 only, so a float64 actor's ELU is written as
//!   relu(x) + α·(exp(min(x, 0)) − 1) with α a double constant.
//! - Heads: tanh → Tanh, clip → Max(low) then Min(high) (element-wise bounds), softmax → Softmax over
//!   the last axis; identity and argmax add nothing (the output is the scores whose argmax is the
//!   action).
//! - An Elman actor takes its context as a second input, `h_in [batch, h]` (zeros at an episode's
//!   start), adds `MatMul(h_in, recurrent1.weight_t)` to its first layer, and returns the first layer's
//!   output as `h_out [batch, h]`, to feed back in at the next step.
//! - The element type is the actor's: float for float32 actors, double for float64 ones.
//!
//! The protobuf messages are the subset of `onnx.proto` an inference graph needs, declared for prost
//! with the field numbers of the ONNX specification (docs/convert.md says why no ONNX crate).

use prost::Message;

use crate::policy::{Activation, Actor, Dtype, Head};

/// The ONNX opset the graph uses.
pub const OPSET: i64 = 13;
/// The ONNX IR version of the file (IR 7 is the one opset 13 shipped with).
pub const IR_VERSION: i64 = 7;
/// The observation input.
pub const INPUT: &str = "obs";
/// The output: the action (continuous actors) or the per-action scores (discrete ones).
pub const OUTPUT: &str = "action";
/// An Elman actor's context input and output.
pub const STATE_IN: &str = "h_in";
pub const STATE_OUT: &str = "h_out";

// onnx.proto's TensorProto.DataType.
const FLOAT: i32 = 1;
const DOUBLE: i32 = 11;
// AttributeProto.AttributeType.
const ATTR_FLOAT: i32 = 1;
const ATTR_INT: i32 = 2;

#[derive(Clone, PartialEq, Message)]
pub struct ModelProto {
    #[prost(int64, tag = "1")]
    pub ir_version: i64,
    #[prost(string, tag = "2")]
    pub producer_name: String,
    #[prost(string, tag = "3")]
    pub producer_version: String,
    #[prost(string, tag = "6")]
    pub doc_string: String,
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
    #[prost(message, repeated, tag = "8")]
    pub opset_import: Vec<OperatorSetIdProto>,
    #[prost(message, repeated, tag = "14")]
    pub metadata_props: Vec<StringStringEntryProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct OperatorSetIdProto {
    #[prost(string, tag = "1")]
    pub domain: String,
    #[prost(int64, tag = "2")]
    pub version: i64,
}

#[derive(Clone, PartialEq, Message)]
pub struct StringStringEntryProto {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    #[prost(string, tag = "10")]
    pub doc_string: String,
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    pub input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub output: Vec<String>,
    #[prost(string, tag = "3")]
    pub name: String,
    #[prost(string, tag = "4")]
    pub op_type: String,
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct AttributeProto {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(float, optional, tag = "2")]
    pub f: Option<f32>,
    #[prost(int64, optional, tag = "3")]
    pub i: Option<i64>,
    #[prost(int32, tag = "20")]
    pub r#type: i32,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorProto {
    // proto2's `repeated int64 dims = 1` is not packed.
    #[prost(int64, repeated, packed = "false", tag = "1")]
    pub dims: Vec<i64>,
    #[prost(int32, tag = "2")]
    pub data_type: i32,
    #[prost(string, tag = "8")]
    pub name: String,
    /// Little-endian IEEE 754 values, row-major.
    #[prost(bytes = "vec", tag = "9")]
    pub raw_data: Vec<u8>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ValueInfoProto {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<TypeProto>,
}

/// `TypeProto` with its one member in use, `tensor_type` (a oneof of one member encodes alike).
#[derive(Clone, PartialEq, Message)]
pub struct TypeProto {
    #[prost(message, optional, tag = "1")]
    pub tensor_type: Option<TensorTypeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorTypeProto {
    #[prost(int32, tag = "1")]
    pub elem_type: i32,
    #[prost(message, optional, tag = "2")]
    pub shape: Option<TensorShapeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorShapeProto {
    #[prost(message, repeated, tag = "1")]
    pub dim: Vec<Dimension>,
}

/// A dimension: a size, or a symbolic name (the oneof `value` as two optional fields).
#[derive(Clone, PartialEq, Message)]
pub struct Dimension {
    #[prost(int64, optional, tag = "1")]
    pub dim_value: Option<i64>,
    #[prost(string, optional, tag = "2")]
    pub dim_param: Option<String>,
}

/// Builds the graph: nodes, initializers, fresh value names.
struct Builder {
    elem: i32,
    dtype: Dtype,
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
}

impl Builder {
    fn tensor(&mut self, name: &str, dims: &[usize], values: impl IntoIterator<Item = f64>) {
        let mut raw = Vec::new();
        for v in values {
            match self.dtype {
                // The actor holds float32 values exactly in f64; the cast only drops the zeros.
                Dtype::F32 => raw.extend_from_slice(&(v as f32).to_le_bytes()),
                Dtype::F64 => raw.extend_from_slice(&v.to_le_bytes()),
            }
        }
        self.initializers.push(TensorProto {
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: self.elem,
            name: name.into(),
            raw_data: raw,
        });
    }

    /// Add a node; its output is named `out`.
    fn node(&mut self, op: &str, inputs: &[&str], out: &str, attribute: Vec<AttributeProto>) {
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![out.into()],
            name: out.into(),
            op_type: op.into(),
            attribute,
        });
    }

    /// `x · Wᵀ` for a row-major `out × in` weight, stored transposed as `name`.
    fn matmul(
        &mut self,
        x: &str,
        name: &str,
        weight: &[f64],
        (rows, cols): (usize, usize),
    ) -> String {
        let transposed = (0..cols).flat_map(|c| (0..rows).map(move |r| weight[r * cols + c]));
        self.tensor(name, &[cols, rows], transposed);
        let out = format!("{name}.matmul");
        self.node("MatMul", &[x, name], &out, vec![]);
        out
    }
}

fn float_attr(name: &str, f: f32) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        f: Some(f),
        i: None,
        r#type: ATTR_FLOAT,
    }
}

fn int_attr(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        f: None,
        i: Some(i),
        r#type: ATTR_INT,
    }
}

fn value_info(name: &str, elem: i32, width: usize) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorTypeProto {
                elem_type: elem,
                shape: Some(TensorShapeProto {
                    dim: vec![
                        Dimension {
                            dim_value: None,
                            dim_param: Some("batch".into()),
                        },
                        Dimension {
                            dim_value: Some(width as i64),
                            dim_param: None,
                        },
                    ],
                }),
            }),
        }),
    }
}

/// The ONNX model of `actor`. `doc` is the model's description; `metadata` its key–value pairs.
pub fn model(actor: &Actor, doc: &str, metadata: &[(&str, String)]) -> ModelProto {
    let elem = match actor.dtype {
        Dtype::F32 => FLOAT,
        Dtype::F64 => DOUBLE,
    };
    let mut b = Builder {
        elem,
        dtype: actor.dtype,
        nodes: Vec::new(),
        initializers: Vec::new(),
    };
    let mut x = INPUT.to_string();
    let mut state_value = None;
    let last = actor.layers.len() - 1;
    for (i, layer) in actor.layers.iter().enumerate() {
        let k = i + 1;
        let shape = (layer.out_features, layer.in_features);
        let mut z = b.matmul(&x, &format!("layer{k}.weight_t"), &layer.weight, shape);
        if let Some(bias) = &layer.bias {
            let name = format!("layer{k}.bias");
            b.tensor(&name, &[bias.len()], bias.iter().copied());
            let out = format!("layer{k}.out");
            b.node("Add", &[&z, &name], &out, vec![]);
            z = out;
        }
        if let (0, Some(r)) = (i, &actor.recurrent) {
            let h = layer.out_features;
            let rz = b.matmul(STATE_IN, "recurrent1.weight_t", r, (h, h));
            let out = "layer1.with_context".to_string();
            b.node("Add", &[&z, &rz], &out, vec![]);
            z = out;
        }
        z = match actor.activations.get(i) {
            Some(a) => activation(&mut b, *a, &z, k),
            None => head(&mut b, &actor.head, &z),
        };
        if i == 0 && actor.recurrent.is_some() {
            state_value = Some(z.clone());
        }
        if i == last {
            // The last value is the output: rename it (the node that made it is the last one, or, when
            // nothing followed the matmul, the matmul itself).
            let node = b.nodes.last_mut().expect("every layer adds a node");
            debug_assert_eq!(node.output[0], z);
            node.output[0] = OUTPUT.into();
            if state_value.as_deref() == Some(z.as_str()) {
                state_value = Some(OUTPUT.into());
            }
        }
        x = z;
    }
    let mut inputs = vec![value_info(INPUT, elem, actor.input_dim())];
    let mut outputs = vec![value_info(OUTPUT, elem, actor.output_dim())];
    if let Some(value) = state_value {
        let h = actor.layers[0].out_features;
        b.node("Identity", &[&value], STATE_OUT, vec![]);
        inputs.push(value_info(STATE_IN, elem, h));
        outputs.push(value_info(STATE_OUT, elem, h));
    }
    ModelProto {
        ir_version: IR_VERSION,
        producer_name: "synapt-safety".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        doc_string: doc.into(),
        graph: Some(GraphProto {
            node: b.nodes,
            name: "actor".into(),
            initializer: b.initializers,
            doc_string: String::new(),
            input: inputs,
            output: outputs,
        }),
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: OPSET,
        }],
        metadata_props: metadata
            .iter()
            .map(|(k, v)| StringStringEntryProto {
                key: (*k).into(),
                value: v.clone(),
            })
            .collect(),
    }
}

/// The inputs and outputs of `actor`'s graph, as a line for people: ``input `obs` [batch, 4], output
/// `action` [batch, 2]``.
pub fn signature(actor: &Actor) -> String {
    let mut s = format!(
        "input `{INPUT}` [batch, {}], output `{OUTPUT}` [batch, {}]",
        actor.input_dim(),
        actor.output_dim()
    );
    if actor.is_recurrent() {
        let h = actor.layers[0].out_features;
        s += &format!("; context `{STATE_IN}` → `{STATE_OUT}` [batch, {h}]");
    }
    s
}

/// The bytes of the `.onnx` file of `actor`.
pub fn to_bytes(actor: &Actor, doc: &str, metadata: &[(&str, String)]) -> Vec<u8> {
    model(actor, doc, metadata).encode_to_vec()
}

fn activation(b: &mut Builder, a: Activation, z: &str, k: usize) -> String {
    let out = format!("layer{k}.act");
    match a {
        Activation::Identity => return z.into(),
        Activation::Relu => b.node("Relu", &[z], &out, vec![]),
        Activation::Tanh => b.node("Tanh", &[z], &out, vec![]),
        Activation::Sigmoid => b.node("Sigmoid", &[z], &out, vec![]),
        Activation::Elu { alpha } if b.dtype == Dtype::F32 => {
            b.node("Elu", &[z], &out, vec![float_attr("alpha", alpha as f32)])
        }
        Activation::Elu { alpha } => {
            // ONNX's Elu takes α as a float32 attribute, and onnxruntime has no double kernel for
            // it: in double, relu(x) + α·(exp(min(x, 0)) − 1), with α exact.
            let name = |what: &str| format!("layer{k}.elu.{what}");
            b.tensor(&name("zero"), &[], [0.0]);
            b.tensor(&name("one"), &[], [1.0]);
            b.tensor(&name("alpha"), &[], [alpha]);
            b.node("Relu", &[z], &name("relu"), vec![]);
            b.node("Min", &[z, &name("zero")], &name("min"), vec![]);
            b.node("Exp", &[&name("min")], &name("exp"), vec![]);
            b.node("Sub", &[&name("exp"), &name("one")], &name("expm1"), vec![]);
            b.node(
                "Mul",
                &[&name("expm1"), &name("alpha")],
                &name("neg"),
                vec![],
            );
            b.node("Add", &[&name("relu"), &name("neg")], &out, vec![]);
        }
    }
    out
}

fn head(b: &mut Builder, head: &Head, z: &str) -> String {
    match head {
        Head::Identity | Head::Argmax => z.into(),
        Head::Tanh => {
            b.node("Tanh", &[z], "head.tanh", vec![]);
            "head.tanh".into()
        }
        Head::Softmax => {
            b.node("Softmax", &[z], "head.softmax", vec![int_attr("axis", -1)]);
            "head.softmax".into()
        }
        Head::Clip { low, high } => {
            b.tensor("head.low", &[low.len()], low.iter().copied());
            b.tensor("head.high", &[high.len()], high.iter().copied());
            b.node("Max", &[z, "head.low"], "head.above_low", vec![]);
            b.node("Min", &["head.above_low", "head.high"], "head.clip", vec![]);
            "head.clip".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::test_support::{random_actor, random_elman};

    fn decode(bytes: &[u8]) -> ModelProto {
        ModelProto::decode(bytes).unwrap()
    }

    #[test]
    fn weights_are_stored_transposed_and_exact() {
        let mut a = random_actor(&[3, 4, 2], Dtype::F32, 1);
        a.layers[0].weight[5] = 0.0;
        let m = decode(&to_bytes(&a, "", &[]));
        let g = m.graph.unwrap();
        let w = &g.initializer[0];
        assert_eq!(w.name, "layer1.weight_t");
        assert_eq!(w.dims, vec![3, 4]);
        let vals: Vec<f32> = w
            .raw_data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        // Row r, column c of W is element (c, r) of Wᵀ.
        for r in 0..4 {
            for c in 0..3 {
                assert_eq!(vals[c * 4 + r] as f64, a.layers[0].weight[r * 3 + c]);
            }
        }
        assert_eq!(vals[2 * 4 + 1], 0.0, "a pruned weight stays an exact zero");
        assert_eq!(g.output[0].name, OUTPUT);
        assert_eq!(g.node.last().unwrap().output[0], OUTPUT);
        assert_eq!(m.opset_import[0].version, OPSET);
    }

    #[test]
    fn the_last_node_is_the_output_for_every_head_and_bias() {
        for head in Head::every_kind(2) {
            for bias in [true, false] {
                let mut a = random_actor(&[3, 4, 2], Dtype::F64, 2);
                a.head = head.clone();
                if !bias {
                    a.layers[1].bias = None;
                }
                let g = model(&a, "", &[]).graph.unwrap();
                let outs: Vec<&str> = g.node.iter().map(|n| n.output[0].as_str()).collect();
                assert_eq!(outs.iter().filter(|o| **o == OUTPUT).count(), 1, "{outs:?}");
                assert_eq!(*outs.last().unwrap(), OUTPUT, "{head:?} {bias}");
                assert!(g.initializer.iter().all(|t| t.data_type == DOUBLE));
            }
        }
    }

    #[test]
    fn an_elman_actor_has_its_context_as_input_and_output() {
        let a = random_elman(&[3, 5, 2], Dtype::F32, 3);
        let g = model(&a, "", &[]).graph.unwrap();
        let names = |v: &[ValueInfoProto]| v.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&g.input), vec![INPUT, STATE_IN]);
        assert_eq!(names(&g.output), vec![OUTPUT, STATE_OUT]);
        let id = g.node.iter().find(|n| n.output[0] == STATE_OUT).unwrap();
        assert_eq!(id.input[0], "layer1.act");
        // A one-layer Elman network's context is its output.
        let mut one = random_elman(&[3, 2], Dtype::F32, 4);
        one.activations.clear();
        let g = model(&one, "", &[]).graph.unwrap();
        let id = g.node.iter().find(|n| n.output[0] == STATE_OUT).unwrap();
        assert_eq!(id.input[0], OUTPUT);
    }

    #[test]
    fn a_float64_elu_is_built_from_double_operators() {
        let mut a = random_actor(&[3, 4, 2], Dtype::F64, 5);
        a.activations = vec![Activation::Elu { alpha: 0.1 }];
        let g = model(&a, "", &[]).graph.unwrap();
        assert!(g.node.iter().all(|n| n.op_type != "Elu"));
        let alpha = g
            .initializer
            .iter()
            .find(|t| t.name == "layer1.elu.alpha")
            .unwrap();
        assert_eq!(
            alpha.raw_data,
            0.1f64.to_le_bytes().to_vec(),
            "α exact, in double"
        );
        a.dtype = Dtype::F32;
        let g = model(&a, "", &[]).graph.unwrap();
        assert!(g.node.iter().any(|n| n.op_type == "Elu"));
    }

    #[test]
    fn attributes_keep_zero_values() {
        let a = float_attr("alpha", 0.0);
        let back = AttributeProto::decode(a.encode_to_vec().as_slice()).unwrap();
        assert_eq!(back.f, Some(0.0));
    }
}

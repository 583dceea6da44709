//! Synaptolysis (riveSunder/synaptolytic-learning, "Pruning as a Learning Mechanism"): learners whose
//! networks are binary masks over an all-ones network, trained by deleting connections only (mk1, mk2,
//! mk2.5), and the simple-CMA baseline of the same repository. The policy is theirs: tanh hidden layers,
//! a tanh output (argmax for discrete actions), no biases.
//!
//! Each method follows the exp003 code as it ran (docs/synaptolysis.md lists every step and quirk);
//! `variant: fixed` corrects what the authors' code got wrong. NumPy's global generator is
//! `np.random.seed(seed)`'s MT19937 with NumPy's draws in NumPy's order, so the initial population is
//! the authors' own for the same seed. Episodes are seeded per (generation, individual, episode) from
//! the run's seed and shared out over the rollout pool, so a run's files are the same for any
//! `--threads`.

pub mod config;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};

pub use config::{Config, Covariance, Method, StopOn, Variant};

use super::learner::{self, Learner, LogRecord, LoopFiles, TrainReport};
use crate::env::legacy_rng::RandomState;
use crate::env::{self, EnvOptions, RngState, Space};
use crate::error::{Error, Result};
use crate::policy::npy::{self, Matrix};
use crate::policy::{Activation, Actor, Dtype, Head, Linear, Mask};
use crate::report::Summary;
use crate::rollout;

/// One individual: per layer, the weights as NumPy holds them (`inputs × outputs`, row-major).
pub type Genome = Vec<Vec<f64>>;

/// A Gaussian over a block of weights (a layer, or all of them): its mean and a factor `F` of its
/// covariance (`C = F Fᵀ`, `n × k` row-major), which is what sampling needs. The authors' covariance is
/// the mean of K outer products, so its factor is K scaled columns: sampling from it is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub mean: Vec<f64>,
    pub factor: Vec<f64>,
    pub k: usize,
}

/// Where a run writes.
#[derive(Debug, Clone)]
pub struct Files {
    pub actor: PathBuf,
    pub elites: PathBuf,
    pub checkpoint: PathBuf,
    pub log: PathBuf,
    pub curve: PathBuf,
    /// TensorBoard's log folder (`runs`): event files go to `<it>/<env>_<algo>_<seed>/`; `None` writes
    /// none (the default here; the command line's default is `runs`).
    pub tensorboard: Option<PathBuf>,
    /// Fitness, and connection counts, against environment interactions.
    pub fitness: PathBuf,
    pub connections: PathBuf,
    /// The champion's network drawing.
    pub lineup: PathBuf,
}

impl Files {
    /// `Policies/<method>_actor<ENV>.pth` (with its `.arch.json`), `<method>_elites<ENV>.npy`,
    /// `<method>_checkpoint<ENV>.json`; `Graph/train_<method>_<ENV>.csv`, `.png`, `_fitness.png`,
    /// `_connections.png` and `_champion.png`.
    pub fn default_for(method: Method, env_id: &str) -> Files {
        let m = method.name();
        Files {
            actor: PathBuf::from(format!("Policies/{m}_actor{env_id}.pth")),
            elites: PathBuf::from(format!("Policies/{m}_elites{env_id}.npy")),
            checkpoint: PathBuf::from(format!("Policies/{m}_checkpoint{env_id}.json")),
            log: PathBuf::from(format!("Graph/train_{m}_{env_id}.csv")),
            curve: PathBuf::from(format!("Graph/train_{m}_{env_id}.png")),
            fitness: PathBuf::from(format!("Graph/train_{m}_{env_id}_fitness.png")),
            connections: PathBuf::from(format!("Graph/train_{m}_{env_id}_connections.png")),
            lineup: PathBuf::from(format!("Graph/train_{m}_{env_id}_champion.png")),
            tensorboard: None,
        }
    }
}

/// Names the format, so another learner's checkpoint is refused clearly.
pub const FORMAT: &str = "synapt-safety Synaptolysis checkpoint v1";

/// Everything that changes during a run; with the config, a run goes on exactly where it stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Generations evaluated.
    pub generation: usize,
    pub interactions: u64,
    pub episodes: u64,
    pub wall_s: f64,
    /// The population the next generation evaluates.
    pub population: Vec<Genome>,
    /// The elite the next population is drawn from; its first member is the all-time best agent as
    /// it was when the elite was chosen (empty before the first generation).
    pub elite_pop: Vec<Genome>,
    /// The all-time best agent (`elite_agent`) and its fitness.
    pub elite_agent: Option<Genome>,
    pub best_agent: Option<f64>,
    pub best_gen: Option<f64>,
    /// simple-cma's search distribution, one block per layer or one for all.
    pub blocks: Vec<Block>,
    pub solved: bool,
    /// NumPy's generator, filled in when a checkpoint is written (the run draws from its own).
    pub rng: RngState,
}

#[derive(Serialize, Deserialize)]
struct Checkpoint {
    format: String,
    env_id: String,
    config: Config,
    state: State,
}

/// One generation's line of the log (the authors' results dict, one row per generation).
#[derive(Debug, Clone)]
pub struct GenerationLog {
    /// Generations evaluated so far (the authors count from 0: this is their generation + 1).
    pub generation: usize,
    pub interactions: u64,
    pub episodes: u64,
    pub wall_s: f64,
    /// mk1's adaptive prune rate, mk2's deletion fraction; none for the others.
    pub prune_rate: Option<f64>,
    pub best_agent_fitness: f64,
    pub pop: Summary,
    pub elite: Summary,
    /// Connections of the all-time best agent, and of the evaluated population.
    pub connections_best: usize,
    pub connections_mean: f64,
    pub connections_std: f64,
    /// The episodes' step limit this generation.
    pub episode_steps: usize,
    /// The mean return of the generation's fittest individual (its fitness without the penalty).
    pub best_return: f64,
}

const CSV_HEADER: &str =
    "generation,env_interactions,episodes,wall_s,prune_rate,best_agent_fitness,\
pop_mean,pop_std,pop_min,pop_max,elite_mean,elite_std,elite_min,elite_max,connections_best,\
connections_mean,connections_std,episode_steps,best_return";

impl LogRecord for GenerationLog {
    fn iteration(&self) -> usize {
        self.generation
    }

    fn csv_row(&self) -> String {
        let (p, e) = (&self.pop, &self.elite);
        format!(
            "{},{},{},{:.3},{},{:?},{:?},{:?},{:?},{:?},{:?},{:?},{:?},{:?},{},{:?},{:?},{},{:?}\n",
            self.generation,
            self.interactions,
            self.episodes,
            self.wall_s,
            self.prune_rate.map_or(String::new(), |r| format!("{r:?}")),
            self.best_agent_fitness,
            p.mean,
            p.std,
            p.min,
            p.max,
            e.mean,
            e.std,
            e.min,
            e.max,
            self.connections_best,
            self.connections_mean,
            self.connections_std,
            self.episode_steps,
            self.best_return
        )
    }

    fn status(&self) -> String {
        format!(
            "{} steps · best {:.1} · elite {:.1} · population {:.1} · {} connections",
            self.interactions,
            self.best_agent_fitness,
            self.elite.mean,
            self.pop.mean,
            self.connections_best
        )
    }
}

/// A Synaptolysis run.
pub struct Synaptolysis {
    pub env_id: String,
    options: EnvOptions,
    pub cfg: Config,
    /// Layer shapes, NumPy's way: (inputs, outputs).
    pub shapes: Vec<(usize, usize)>,
    discrete: bool,
    max_steps: usize,
    pub state: State,
    rng: RandomState,
    files: Files,
}

/// The number of connections (non-zero weights).
fn connections(g: &Genome) -> usize {
    g.iter().flatten().filter(|w| **w != 0.0).count()
}

/// The mean over layers of the fraction of connections kept (the authors' complexity penalty).
fn complexity(g: &Genome) -> f64 {
    g.iter()
        .map(|l| l.iter().sum::<f64>() / l.len() as f64)
        .sum::<f64>()
        / g.len() as f64
}

/// A fresh episode seed for (generation, index) of a run seeded with `seed` (splitmix64 steps).
fn episode_seed(seed: u32, generation: usize, index: usize) -> u64 {
    let mix = |mut z: u64| {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    // Seeds below 2^31: what gym's `seed` takes from any caller.
    mix(mix(mix(seed as u64) ^ generation as u64) ^ index as u64) >> 33
}

/// `np.argsort(fitness)` reversed: indices from the fittest down (ties: the later index first, as
/// reversing a stable ascending sort puts them).
fn ranked(fitness: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..fitness.len()).collect();
    idx.sort_by(|&a, &b| fitness[a].total_cmp(&fitness[b]).then(a.cmp(&b)));
    idx.reverse();
    idx
}

/// `np.random.choice(n, p=p)` of NumPy's legacy generator: one uniform draw against the normalised
/// cumulative sum (`searchsorted(side='right')`).
fn choice(rng: &mut RandomState, cdf: &[f64]) -> usize {
    let u = rng.random_sample();
    cdf.partition_point(|&c| c <= u).min(cdf.len() - 1)
}

/// The cumulative distribution `np.random.choice` builds from `p`.
fn cdf_of(p: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = p
        .iter()
        .map(|v| {
            acc += v;
            acc
        })
        .collect();
    let last = *cdf.last().expect("a non-empty distribution");
    cdf.iter_mut().for_each(|c| *c /= last);
    cdf
}

impl Synaptolysis {
    /// A fresh run: the initial population from `np.random.seed(cfg.seed)`.
    pub fn new(
        env_id: &str,
        options: EnvOptions,
        cfg: Config,
        files: &Files,
    ) -> Result<Synaptolysis> {
        let probe = env::make_with(env_id, options)?;
        let (obs, act) = (probe.observation_space(), probe.action_space());
        let (inputs, outputs, discrete) = match (&obs, &act) {
            (Space::Box { .. }, Space::Box { .. }) => (obs.size(), act.size(), false),
            (Space::Box { .. }, Space::Discrete { n }) => (obs.size(), *n, true),
            _ => {
                return Err(Error::Invalid(format!(
                    "--algo {}: {env_id}'s observations are not a box of numbers",
                    cfg.method.name()
                )))
            }
        };
        let mut sizes = vec![inputs];
        sizes.extend(&cfg.hidden_sizes);
        sizes.push(outputs);
        let shapes: Vec<(usize, usize)> = sizes.windows(2).map(|w| (w[0], w[1])).collect();
        let weights = shapes.iter().map(|(i, o)| i * o).sum();
        crate::limits::check_values("synaptolysis → population", cfg.population, weights)
            .map_err(Error::Invalid)?;
        let max_steps = probe.max_episode_steps().unwrap_or(usize::MAX);
        let mut run = Synaptolysis {
            env_id: env_id.to_string(),
            options,
            state: State {
                generation: 0,
                interactions: 0,
                episodes: 0,
                wall_s: 0.0,
                population: Vec::new(),
                elite_pop: Vec::new(),
                elite_agent: None,
                best_agent: None,
                best_gen: None,
                blocks: Vec::new(),
                solved: false,
                rng: RandomState::from_int_seed(cfg.seed).to_state(),
            },
            rng: RandomState::from_int_seed(cfg.seed),
            cfg,
            shapes,
            discrete,
            max_steps,
            files: files.clone(),
        };
        run.initial_population();
        run.actor_of(&run.state.population[0])
            .check_fits(&obs, &act, env_id, &files.actor)?;
        Ok(run)
    }

    /// Go on from a checkpoint; `generations` (if given) moves the last generation.
    pub fn resume(
        env_id: &str,
        options: EnvOptions,
        method: Method,
        generations: Option<usize>,
        files: &Files,
    ) -> Result<Synaptolysis> {
        let c: Checkpoint = learner::load_checkpoint(&files.checkpoint, FORMAT)?;
        let bad = |reason: String| Error::Config {
            path: files.checkpoint.clone(),
            reason,
        };
        if c.env_id != env_id {
            return Err(Error::Invalid(format!(
                "--resume: {} is a checkpoint of {}, not {env_id}",
                files.checkpoint.display(),
                c.env_id
            )));
        }
        if c.config.method != method {
            return Err(Error::Invalid(format!(
                "--resume: {} is a checkpoint of --algo {}, not {}",
                files.checkpoint.display(),
                c.config.method.name(),
                method.name()
            )));
        }
        c.config
            .validate(&files.checkpoint.display().to_string(), env_id)?;
        let mut run = Synaptolysis::new(env_id, options, c.config, files)?;
        let shapes_ok = |g: &Genome| {
            g.len() == run.shapes.len()
                && g.iter()
                    .zip(&run.shapes)
                    .all(|(l, (r, c))| l.len() == r * c)
        };
        let s = &c.state;
        if s.population.len() != run.cfg.population || !s.population.iter().all(shapes_ok) {
            return Err(bad(format!(
                "the population does not match the configuration ({} individuals of layers {:?})",
                run.cfg.population, run.shapes
            )));
        }
        if !s.elite_pop.iter().all(shapes_ok) {
            return Err(bad("an elite's layers do not match the network".into()));
        }
        run.rng = RandomState::from_state(&s.rng)?;
        run.state = c.state;
        if let Some(g) = generations {
            run.cfg.max_generations = g;
        }
        Ok(run)
    }

    /// The all-ones network pruned at `initial_prune` (masks), or the first sample of the search
    /// distribution (simple-cma).
    fn initial_population(&mut self) {
        let n = self.cfg.population;
        if self.cfg.method.is_mask() {
            let ones: Genome = self.shapes.iter().map(|(r, c)| vec![1.0; r * c]).collect();
            self.state.population = vec![ones; n];
            let rate = self.cfg.initial_prune;
            for i in 0..n {
                self.prune_uniform(i, rate);
            }
        } else {
            let sizes: Vec<usize> = self.shapes.iter().map(|(r, c)| r * c).collect();
            let blocks = match self.cfg.covariance {
                Covariance::PerLayer => sizes.clone(),
                Covariance::Joint => vec![sizes.iter().sum()],
            };
            let s0 = self.cfg.sigma0;
            self.state.blocks = blocks
                .iter()
                .map(|&b| Block {
                    mean: vec![0.0; b],
                    factor: (0..b * b)
                        .map(|i| if i % (b + 1) == 0 { s0 } else { 0.0 })
                        .collect(),
                    k: b,
                })
                .collect();
            self.state.population = (0..n).map(|_| self.sample()).collect();
        }
    }

    /// `mutate_pop(rate)` for one individual: per layer, keep each entry where U > rate.
    fn prune_uniform(&mut self, i: usize, rate: f64) {
        for layer in &mut self.state.population[i] {
            for w in layer.iter_mut() {
                if self.rng.random_sample() <= rate {
                    *w = 0.0;
                }
            }
        }
    }

    /// One draw from simple-cma's distribution (block by block; `mean + F g`, g standard normal).
    fn sample(&mut self) -> Genome {
        let mut flat = Vec::new();
        for b in &self.state.blocks {
            let g: Vec<f64> = (0..b.k).map(|_| self.rng.gauss()).collect();
            let n = b.mean.len();
            flat.extend((0..n).map(|i| {
                let row = &b.factor[i * b.k..(i + 1) * b.k];
                b.mean[i] + row.iter().zip(&g).map(|(f, z)| f * z).sum::<f64>()
            }));
        }
        self.split(&flat)
    }

    fn split(&self, flat: &[f64]) -> Genome {
        let mut at = 0;
        self.shapes
            .iter()
            .map(|(r, c)| {
                let l = flat[at..at + r * c].to_vec();
                at += r * c;
                l
            })
            .collect()
    }

    /// An individual as an actor: tanh hidden layers, tanh out (argmax for discrete actions), no
    /// biases; masks carry their mask.
    pub fn actor_of(&self, g: &Genome) -> Actor {
        let layers: Vec<Linear> = self
            .shapes
            .iter()
            .zip(g)
            .map(|(&(rows, cols), w)| Linear {
                in_features: rows,
                out_features: cols,
                weight: (0..rows * cols)
                    .map(|k| w[(k % rows) * cols + k / rows])
                    .collect(),
                bias: None,
            })
            .collect();
        let mask = self.cfg.method.is_mask().then(|| Mask {
            layers: layers
                .iter()
                .map(|l| l.weight.iter().map(|w| *w != 0.0).collect())
                .collect(),
        });
        Actor {
            activations: vec![Activation::Tanh; layers.len() - 1],
            layers,
            head: if self.discrete {
                Head::Argmax
            } else {
                Head::Tanh
            },
            mask,
            recurrent: None,
            dtype: Dtype::F64,
        }
    }

    /// The champion: the all-time best agent (the first of the initial population before any
    /// generation).
    pub fn champion(&self) -> Actor {
        self.actor_of(self.best_genome())
    }

    /// This generation's step limit: the environment's, or mk2's curriculum.
    fn episode_steps(&self) -> usize {
        if self.cfg.method == Method::Mk2 && self.cfg.curriculum {
            // `env._max_episode_steps = np.max([200, agent.best_agent])`: TimeLimit stops once the step
            // count reaches it, i.e. after ceil(·) steps.
            let best = self.state.best_agent.unwrap_or(f64::NEG_INFINITY);
            (best.max(200.0).ceil() as usize).min(self.max_steps.max(200))
        } else {
            self.max_steps
        }
    }

    /// Evaluate the population: per individual, the mean return of its episodes (and, for
    /// covariance-guided mk2, the node statistics of every step).
    fn evaluate(&self, steps: usize) -> Result<(Vec<f64>, u64, Option<NodeStats>)> {
        let actors: Vec<Actor> = self
            .state
            .population
            .iter()
            .map(|g| self.actor_of(g))
            .collect();
        let e = self.cfg.episodes;
        let gen = self.state.generation;
        let pairs: Vec<(usize, u64)> = (0..actors.len() * e)
            .map(|k| (k / e, episode_seed(self.cfg.seed, gen, k)))
            .collect();
        let nodes = self.cfg.method == Method::Mk2 && self.cfg.covariance_guided;
        let shapes = &self.shapes;
        let results =
            rollout::par_map_shared(&self.env_id, self.options, &pairs, |env, &(a, seed)| {
                if nodes {
                    let mut stats = NodeStats::new(shapes);
                    let actor = &actors[a];
                    let ep = rollout::run_episode_observed(env, actor, seed, steps, |obs| {
                        record_nodes(actor, obs, &mut stats)
                    });
                    Ok((ep, Some(stats)))
                } else {
                    Ok((rollout::run_episode(env, &actors[a], seed, steps), None))
                }
            })?;
        let mut returns = vec![0.0; actors.len()];
        let mut total = 0u64;
        let mut stats = nodes.then(|| NodeStats::new(shapes));
        for (k, (ep, s)) in results.into_iter().enumerate() {
            returns[k / e] += ep.ret;
            total += ep.length as u64;
            if let (Some(acc), Some(s)) = (stats.as_mut(), s) {
                acc.add(&s);
            }
        }
        returns.iter_mut().for_each(|r| *r /= e as f64);
        Ok((returns, total, stats))
    }

    /// Index 0 the all-time best; `elite` this generation's ranked members that follow it.
    fn set_elite(&mut self, ranks: &[usize], members: usize) {
        let best = self.state.elite_agent.clone();
        let mut elite = Vec::with_capacity(members + 1);
        elite.push(best.expect("the all-time best is set before the elite"));
        elite.extend(
            ranks[..members]
                .iter()
                .map(|&i| self.state.population[i].clone()),
        );
        self.state.elite_pop = elite;
    }

    /// mk1 (`update_pop` then `mutate_pop`); returns the prune rate.
    fn next_mk1(&mut self, fitness: &[f64], ranks: &[usize], conn_mean: f64) -> f64 {
        let keep = self.cfg.keep();
        let top = fitness_mean(fitness, &ranks[..keep]);
        if self.state.best_gen.is_none_or(|b| top > b) {
            self.state.best_gen = Some(top);
            self.set_elite(ranks, keep);
        }
        let n_elite = self.state.elite_pop.len();
        let weights: Vec<f64> = (1..=n_elite).rev().map(|v| v as f64).collect();
        let total: f64 = weights.iter().sum();
        let cdf = cdf_of(&weights.iter().map(|w| w / total).collect::<Vec<_>>());
        let mut pop = Vec::with_capacity(self.cfg.population);
        for _ in 0..self.cfg.population {
            pop.push(self.state.elite_pop[choice(&mut self.rng, &cdf)].clone());
        }
        let spread = self
            .state
            .elite_pop
            .iter()
            .map(|g| (conn_mean - connections(g) as f64).powi(2))
            .sum::<f64>();
        let rate = ((spread / n_elite as f64).sqrt() / conn_mean)
            .clamp(self.cfg.rate_min, self.cfg.rate_max);
        let rate = if rate.is_nan() {
            self.cfg.rate_max
        } else {
            rate
        };
        self.state.population = pop;
        let start = if self.cfg.elitism {
            // The fix: the elite passes unmutated (the authors' later code meant this).
            for (slot, g) in self.state.elite_pop.clone().into_iter().enumerate() {
                if slot < self.cfg.population {
                    self.state.population[slot] = g;
                }
            }
            n_elite.min(self.cfg.population)
        } else {
            0
        };
        for i in start..self.cfg.population {
            self.prune_uniform(i, rate);
        }
        rate
    }

    /// mk2: the elite of the best generation so far, the population rebuilt round-robin from it, then
    /// deletion (uniform in the authors' code, covariance-guided when fixed).
    fn next_mk2(&mut self, fitness: &[f64], ranks: &[usize], stats: Option<&NodeStats>) -> f64 {
        let keep = self.cfg.keep();
        let top = fitness_mean(fitness, &ranks[..keep]);
        let this_gens_best = if self.state.best_gen.is_none_or(|b| top > b) {
            self.state.best_gen = Some(top);
            self.set_elite(ranks, keep);
            None
        } else {
            Some(
                ranks[..(keep + 1).min(ranks.len())]
                    .iter()
                    .map(|&i| self.state.population[i].clone())
                    .collect::<Vec<_>>(),
            )
        };
        let n_elite = self.state.elite_pop.len();
        let mut pop = Vec::with_capacity(self.cfg.population);
        if let Some(best) = this_gens_best {
            pop.extend(best);
        }
        for q in pop.len()..self.cfg.population {
            pop.push(self.state.elite_pop[q % n_elite].clone());
        }
        self.state.population = pop;
        // Per-connection deletion probabilities.
        let probs: Vec<Vec<f64>> = match stats {
            Some(s) => s.deletion_probabilities(&self.shapes, self.cfg.prune_fraction),
            // The authors' softmax runs after every sample, so the final matrix is a softmax of
            // values within ~1e-6 of each other: uniform, 1/size each, times prune_fraction · size.
            None => self
                .shapes
                .iter()
                .map(|(r, c)| vec![self.cfg.prune_fraction; r * c])
                .collect(),
        };
        for i in 0..self.cfg.population {
            for (l, layer) in self.state.population[i].iter_mut().enumerate() {
                for (w, p) in layer.iter_mut().zip(&probs[l]) {
                    if self.rng.random_sample() <= *p {
                        *w = 0.0;
                    }
                }
            }
        }
        self.cfg.prune_fraction
    }

    /// mk2.5: the elite's connection frequencies plus noise, the first elites intact, the rest sampled.
    fn next_mk25(&mut self, ranks: &[usize]) {
        let keep = self.cfg.keep();
        // [all-time best] + this generation's ranks 1 … keep−1.
        let best = self.state.elite_agent.clone();
        let mut elite = vec![best.expect("the all-time best is set before the elite")];
        elite.extend(
            ranks[1..keep]
                .iter()
                .map(|&i| self.state.population[i].clone()),
        );
        self.state.elite_pop = elite;
        let n_elite = self.state.elite_pop.len() as f64;
        let probs: Vec<Vec<f64>> = (0..self.shapes.len())
            .map(|l| {
                let len = self.state.elite_pop[0][l].len();
                (0..len)
                    .map(|j| {
                        let f = self.state.elite_pop.iter().map(|g| g[l][j]).sum::<f64>() / n_elite;
                        (f + self.cfg.noise * self.rng.gauss())
                            .clamp(self.cfg.p_min, self.cfg.p_max)
                    })
                    .collect()
            })
            .collect();
        let intact = ((self.cfg.intact_fraction * self.cfg.population as f64).ceil() as usize)
            .min(self.state.elite_pop.len())
            .min(self.cfg.population);
        let mut pop: Vec<Genome> = self.state.elite_pop[..intact].to_vec();
        for _ in intact..self.cfg.population {
            let g: Genome = probs
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|&p| {
                            if self.rng.random_sample() < p {
                                1.0
                            } else {
                                0.0
                            }
                        })
                        .collect()
                })
                .collect();
            pop.push(g);
        }
        self.state.population = pop;
    }

    /// simple-cma: the elite's mean, the covariance of the elite around the old mean, a new sample
    /// with the all-time best in the last slot.
    fn next_cma(&mut self, ranks: &[usize]) {
        let keep = self.cfg.keep();
        self.set_elite(ranks, keep);
        let flats: Vec<Vec<f64>> = self
            .state
            .elite_pop
            .iter()
            .map(|g| g.iter().flatten().copied().collect())
            .collect();
        let kk = flats.len();
        let mut at = 0;
        for b in &mut self.state.blocks {
            let n = b.mean.len();
            let mut mean = vec![0.0; n];
            for f in &flats {
                mean.iter_mut()
                    .zip(&f[at..at + n])
                    .for_each(|(m, v)| *m += v);
            }
            mean.iter_mut().for_each(|m| *m /= kk as f64);
            let scale = 1.0 / (kk as f64).sqrt();
            let mut factor = vec![0.0; n * kk];
            for (k, f) in flats.iter().enumerate() {
                for i in 0..n {
                    factor[i * kk + k] = (f[at + i] - b.mean[i]) * scale;
                }
            }
            *b = Block {
                mean,
                factor,
                k: kk,
            };
            at += n;
        }
        let mut pop: Vec<Genome> = (0..self.cfg.population).map(|_| self.sample()).collect();
        *pop.last_mut().expect("a population") = self.state.elite_pop[0].clone();
        self.state.population = pop;
    }

    /// The all-time best agent (the first of the initial population before any generation).
    pub fn best_genome(&self) -> &Genome {
        self.state
            .elite_agent
            .as_ref()
            .unwrap_or(&self.state.population[0])
    }

    /// The elite population as the authors save it, with the all-time best agent at index 0 (mk1's and
    /// mk2's elite keeps the best agent of the generation it was chosen in; a later best replaces it
    /// here, so index 0 is always the champion).
    fn elite_matrices(&self) -> Vec<Vec<Matrix>> {
        let mut pop = vec![self.best_genome()];
        pop.extend(self.state.elite_pop.iter().skip(1));
        pop.iter()
            .map(|g| {
                g.iter()
                    .zip(&self.shapes)
                    .map(|(w, &(rows, cols))| Matrix {
                        rows,
                        cols,
                        data: w.clone(),
                    })
                    .collect()
            })
            .collect()
    }
}

fn fitness_mean(fitness: &[f64], idx: &[usize]) -> f64 {
    idx.iter().map(|&i| fitness[i]).sum::<f64>() / idx.len() as f64
}

/// Sums over every step of what each connection joins (mk2's covariance): per node layer the sum of
/// its values, per weight layer the sum of the products of the values at its two ends. Node layers are
/// the input, the tanh hidden layers and sin(output), as the authors record them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct NodeStats {
    n: u64,
    sums: Vec<Vec<f64>>,
    products: Vec<Vec<f64>>,
}

impl NodeStats {
    fn new(shapes: &[(usize, usize)]) -> NodeStats {
        let mut sums = vec![vec![0.0; shapes[0].0]];
        sums.extend(shapes.iter().map(|(_, c)| vec![0.0; *c]));
        NodeStats {
            n: 0,
            sums,
            products: shapes.iter().map(|(r, c)| vec![0.0; r * c]).collect(),
        }
    }

    fn add(&mut self, o: &NodeStats) {
        self.n += o.n;
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        for (a, b) in self.products.iter_mut().zip(&o.products) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }

    fn record(&mut self, nodes: &[Vec<f64>]) {
        self.n += 1;
        for (s, v) in self.sums.iter_mut().zip(nodes) {
            s.iter_mut().zip(v).for_each(|(a, b)| *a += b);
        }
        for (l, p) in self.products.iter_mut().enumerate() {
            let (pre, post) = (&nodes[l], &nodes[l + 1]);
            let cols = post.len();
            for (i, x) in pre.iter().enumerate() {
                for (j, y) in post.iter().enumerate() {
                    p[i * cols + j] += x * y;
                }
            }
        }
    }

    /// `softmax(−cov)` over each layer (the covariance of a connection's two ends over all steps),
    /// scaled so that a layer expects `fraction` of its connections deleted.
    fn deletion_probabilities(&self, shapes: &[(usize, usize)], fraction: f64) -> Vec<Vec<f64>> {
        let n = self.n.max(1) as f64;
        shapes
            .iter()
            .enumerate()
            .map(|(l, &(rows, cols))| {
                let cov: Vec<f64> = (0..rows * cols)
                    .map(|k| {
                        let (i, j) = (k / cols, k % cols);
                        self.products[l][k] / n - (self.sums[l][i] / n) * (self.sums[l + 1][j] / n)
                    })
                    .collect();
                let top = cov.iter().map(|c| -c).fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = cov.iter().map(|c| (-c - top).exp()).collect();
                let z: f64 = e.iter().sum();
                let size = (rows * cols) as f64;
                e.iter().map(|v| v / z * fraction * size).collect()
            })
            .collect()
    }
}

/// The nodes the authors record at every step (mk2's covariance): the input, the tanh hidden layers
/// and sin(output), computed from the observation the actor acts on.
fn record_nodes(actor: &Actor, obs: &[f64], stats: &mut NodeStats) {
    let mut nodes = vec![obs.to_vec()];
    let last = actor.layers.len() - 1;
    for (l, layer) in actor.layers.iter().enumerate() {
        let y: Vec<f64> = layer
            .weight
            .chunks_exact(layer.in_features)
            .map(|row| row.iter().zip(&nodes[l]).map(|(w, v)| w * v).sum::<f64>())
            .map(|v| if l < last { v.tanh() } else { v.sin() })
            .collect();
        nodes.push(y);
    }
    stats.record(&nodes);
}

impl Learner for Synaptolysis {
    type Log = GenerationLog;

    fn iteration(&self) -> usize {
        self.state.generation
    }

    fn total(&self) -> usize {
        if self.state.solved {
            self.state.generation
        } else {
            self.cfg.max_generations
        }
    }

    fn save_freq(&self) -> usize {
        self.cfg.save_every
    }

    fn log_header(&self) -> &'static str {
        CSV_HEADER
    }

    fn curve_columns(&self) -> [usize; 3] {
        // env_interactions, pop_mean, pop_std
        [1, 6, 7]
    }

    fn curve_title(&self) -> String {
        format!(
            "{} · {} ({:?}) · seed {} · population fitness ± std",
            self.env_id,
            self.cfg.method.name(),
            self.cfg.variant,
            self.cfg.seed
        )
    }

    fn step(&mut self) -> Result<GenerationLog> {
        let start = Instant::now();
        let steps = self.episode_steps();
        let (returns, interactions, stats) = self.evaluate(steps)?;
        let fitness: Vec<f64> = returns
            .iter()
            .zip(&self.state.population)
            .map(|(r, g)| {
                if self.cfg.complexity_penalty {
                    r - complexity(g)
                } else {
                    *r
                }
            })
            .collect();
        let conns: Vec<f64> = self
            .state
            .population
            .iter()
            .map(|g| connections(g) as f64)
            .collect();
        let conn = Summary::of(&conns);
        let ranks = ranked(&fitness);
        if self.state.best_agent.is_none_or(|b| fitness[ranks[0]] > b) {
            self.state.best_agent = Some(fitness[ranks[0]]);
            self.state.elite_agent = Some(self.state.population[ranks[0]].clone());
        }
        let prune_rate = match self.cfg.method {
            Method::Mk1 => Some(self.next_mk1(&fitness, &ranks, conn.mean)),
            Method::Mk2 => Some(self.next_mk2(&fitness, &ranks, stats.as_ref())),
            Method::Mk25 => {
                self.next_mk25(&ranks);
                None
            }
            Method::SimpleCma => {
                self.next_cma(&ranks);
                None
            }
        };
        let n_elite = self.state.elite_pop.len().min(fitness.len());
        let elite: Vec<f64> = ranks[..n_elite].iter().map(|&i| fitness[i]).collect();
        let elite = Summary::of(&elite);
        let g = self.state.generation;
        self.state.generation += 1;
        self.state.interactions += interactions;
        self.state.episodes += (self.cfg.population * self.cfg.episodes) as u64;
        self.state.wall_s += start.elapsed().as_secs_f64();
        if let Some(t) = self.cfg.threshold {
            let value = match self.cfg.stop_on {
                StopOn::Best => fitness[ranks[0]],
                StopOn::EliteMean => elite.mean,
            };
            if g % self.cfg.check_every == 0 && g >= self.cfg.min_generations && value >= t {
                self.state.solved = true;
            }
        }
        Ok(GenerationLog {
            generation: self.state.generation,
            interactions: self.state.interactions,
            episodes: self.state.episodes,
            wall_s: self.state.wall_s,
            prune_rate,
            best_agent_fitness: fitness[ranks[0]],
            pop: Summary::of(&fitness),
            elite,
            connections_best: connections(self.best_genome()),
            connections_mean: conn.mean,
            connections_std: conn.std,
            episode_steps: steps,
            best_return: returns[ranks[0]],
        })
    }

    /// The champion (with its architecture file), the elite population, the checkpoint and the
    /// figures.
    fn save(&self) -> Result<()> {
        self.champion().save(&self.files.actor)?;
        npy::write_population(&self.files.elites, &self.elite_matrices())?;
        learner::save_checkpoint(
            &self.files.checkpoint,
            &Checkpoint {
                format: FORMAT.into(),
                env_id: self.env_id.clone(),
                config: self.cfg.clone(),
                state: State {
                    rng: self.rng.to_state(),
                    ..self.state.clone()
                },
            },
        )?;
        let rows = read_rows(&self.files.log)?;
        if !rows.is_empty() {
            crate::plot::evolution_curves(
                &self.files.fitness,
                &self.files.connections,
                &rows,
                &self.curve_title(),
            )?;
        }
        crate::plot::network_lineup(
            &self.files.lineup,
            &[crate::plot::LineupEntry {
                label: format!("{} champion", self.cfg.method.name()),
                notes: vec![format!(
                    "generation {} · best fitness {:.1}",
                    self.state.generation,
                    self.state.best_agent.unwrap_or(f64::NAN)
                )],
                actor: self.champion(),
            }],
            &format!("{} · {}", self.env_id, self.cfg.method.name()),
        )
    }
}

/// The log's columns the curves figure draws, one row per generation.
fn read_rows(path: &Path) -> Result<Vec<crate::plot::EvolutionRow>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let c: Vec<f64> = line
                .split(',')
                .map(|v| v.parse().unwrap_or(f64::NAN))
                .collect();
            (c.len() >= 17).then(|| crate::plot::EvolutionRow {
                steps: c[1],
                best: c[5],
                pop_mean: c[6],
                pop_std: c[7],
                elite_mean: c[10],
                connections_best: c[14],
                connections_mean: c[15],
                connections_std: c[16],
            })
        })
        .collect())
}

/// Run `method` to its last generation (or its threshold), from scratch or from the checkpoint.
pub fn run(
    env_id: &str,
    options: EnvOptions,
    cfg: Config,
    files: &Files,
    resume: Option<Option<usize>>,
    stop: &AtomicBool,
) -> Result<TrainReport> {
    let method = cfg.method;
    // Settings are checked (building the run) before anything is created.
    let mut run = match resume {
        Some(generations) => Synaptolysis::resume(env_id, options, method, generations, files)?,
        None => Synaptolysis::new(env_id, options, cfg, files)?,
    };
    for (p, what) in [
        (&files.actor, "actor"),
        (&files.elites, "elite population"),
        (&files.checkpoint, "checkpoint"),
        (&files.log, "training log"),
        (&files.curve, "learning curve"),
    ] {
        learner::check_writable(p, what)?;
    }
    let loop_files = LoopFiles {
        log: files.log.clone(),
        curve: files.curve.clone(),
        events: learner::events_dir(
            files.tensorboard.as_deref(),
            env_id,
            method.name(),
            u64::from(run.cfg.seed),
        ),
    };
    let (start_steps, start_wall) = (run.state.interactions, run.state.wall_s);
    let out = learner::run_loop(&mut run, &loop_files, resume.is_some(), true, stop)?;
    let last = out.last.as_ref();
    let s = &run.state;
    let mut notes = Vec::new();
    if s.solved {
        notes.push(format!(
            "solved: {:?} reached {} at generation {}",
            run.cfg.stop_on,
            run.cfg.threshold.unwrap_or(f64::NAN),
            s.generation
        ));
    }
    Ok(TrainReport {
        env_id: env_id.to_string(),
        learner: ("algo", method.name().into()),
        resumed_from: out.resumed_from,
        iteration: s.generation,
        total: run.total(),
        timesteps: s.interactions,
        episodes: s.episodes,
        wall_s: s.wall_s,
        steps_per_s: (s.interactions - start_steps) as f64 / (s.wall_s - start_wall).max(1e-9),
        last: vec![
            (
                "best fitness (this generation)",
                last.map_or("–".into(), |l| format!("{:.2}", l.best_agent_fitness)),
            ),
            (
                "elite fitness",
                last.map_or("–".into(), |l| {
                    format!("{:.2} ± {:.2}", l.elite.mean, l.elite.std)
                }),
            ),
            (
                "champion connections",
                format!(
                    "{} of {}",
                    connections(run.best_genome()),
                    run.shapes.iter().map(|(r, c)| r * c).sum::<usize>()
                ),
            ),
        ],
        interrupted: out.interrupted,
        files: vec![
            files.actor.clone(),
            crate::policy::arch::sidecar(&files.actor),
            files.elites.clone(),
            files.checkpoint.clone(),
            files.log.clone(),
            files.curve.clone(),
            files.fitness.clone(),
            files.connections.clone(),
            files.lineup.clone(),
        ],
        checkpoint: files.checkpoint.clone(),
        notes,
    })
}

"""cgym.VectorEnv: batched steps over the C++ VectorEnv, fixed-shape
observations as one numpy array, the same trajectories as single envs."""

import numpy as np
import pytest

import cgym

QSORT = "benchmark://cgym-v0/qsort"


def test_step_batch_matches_single_envs():
    n = 3
    with cgym.VectorEnv("llvm-autophase-ic-v0", n, num_threads=2, benchmark=QSORT) as venv:
        obs = venv.reset()
        assert isinstance(obs, np.ndarray) and obs.shape == (n, 56) and obs.dtype == np.int64
        singles = [cgym.make("llvm-autophase-ic-v0", benchmark=QSORT) for _ in range(n)]
        for s in singles:
            s.reset()
        rng = np.random.default_rng(0)
        for _ in range(10):
            actions = rng.integers(0, singles[0].action_space.n, size=n)
            obs, rewards, dones, infos = venv.step(actions)
            assert obs.shape == (n, 56)
            assert rewards.dtype == np.float64 and dones.dtype == np.bool_
            assert len(infos) == n
            for i, s in enumerate(singles):
                o, r, d, _ = s.step(int(actions[i]))
                np.testing.assert_array_equal(obs[i], o)
                assert rewards[i] == pytest.approx(r)
                assert dones[i] == d
        assert venv.env(1).actions == singles[1].actions
        for s in singles:
            s.close()


def test_factory_and_send_recv():
    def factory(i):
        return cgym.wrappers.TimeLimit(cgym.make("llvm-ic-v0", benchmark=QSORT), 2)

    with cgym.VectorEnv(factory, 2, auto_reset=True) as venv:
        venv.reset()
        venv.send([0, 1], [0, 1])
        assert venv.outstanding == 2
        ids, obs, rewards, dones, infos = venv.recv(2)
        assert sorted(ids) == [0, 1]
        _, _, dones, infos = venv.step([0, 0])
        assert dones.all()  # the TimeLimit ended both; auto-reset started new episodes
        assert all("final_observation" in i for i in infos)
        assert venv.env(0).actions == []


def test_worker_exception_names_the_env():
    with cgym.VectorEnv("llvm-ic-v0", 2, benchmark=QSORT) as venv:
        venv.reset()
        with pytest.raises(cgym.VectorEnvError) as e:
            venv.step([0, 10**6])
        assert e.value.env_id == 1
        assert e.value.original_type == "ActionOutOfRange"
    with pytest.raises(cgym.StateError):
        venv.step([0, 0])


def test_bad_arguments():
    with pytest.raises(cgym.InvalidArgument):
        cgym.VectorEnv("llvm-ic-v0", 0)
    with pytest.raises(TypeError):
        cgym.VectorEnv(42, 2)
    with pytest.raises(cgym.LookupError):
        cgym.VectorEnv("llvm-nope-v0", 2)

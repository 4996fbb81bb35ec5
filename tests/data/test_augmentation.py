"""ember.data.augmentation and text_augmentation: seeding and the promised properties."""
import numpy as np
import pytest

import ember
from ember.data.augmentation import (
    Compose,
    Cutout,
    GaussianNoise,
    Jitter,
    Normalize,
    RandomAffine,
    RandomCrop,
    RandomHorizontalFlip,
    RandomRotation,
    RandomVerticalFlip,
    mixup,
)
from ember.data.text_augmentation import (
    random_deletion,
    random_insertion,
    random_swap,
    synonym_replacement,
)


def _batch(n=6, c=3, h=8, w=8, seed=0):
    return np.random.default_rng(seed).random((n, c, h, w), dtype=np.float32)


SEEDED = [
    lambda s: RandomHorizontalFlip(seed=s),
    lambda s: RandomVerticalFlip(seed=s),
    lambda s: RandomCrop(8, padding=2, seed=s),
    lambda s: RandomRotation(30, seed=s),
    lambda s: RandomAffine(15, translate=(0.2, 0.2), scale=(0.8, 1.2),
                           interpolation="bilinear", seed=s),
    lambda s: GaussianNoise(0.1, seed=s),
    lambda s: Cutout(3, seed=s),
    lambda s: Jitter(0.05, seed=s),
]


@pytest.mark.parametrize("make", SEEDED)
def test_same_seed_same_result_and_shape_kept(make):
    x = _batch()
    a, b, c = make(1)(x), make(1)(x), make(2)(x)
    np.testing.assert_array_equal(a, b)
    assert a.shape == x.shape and a.dtype == x.dtype
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("make", SEEDED)
def test_generator_and_tensor_inputs(make):
    x = _batch()
    t = ember.from_numpy(x)
    transform = make(None)
    transform.generator = ember.Generator().manual_seed(5)
    a = transform(t)
    transform.generator = ember.Generator().manual_seed(5)
    b = transform(t)
    assert isinstance(a, ember.Tensor) and a.shape == t.shape and a.dtype == ember.float32
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_default_generator_follows_manual_seed():
    x = _batch()
    ember.manual_seed(3)
    a = RandomCrop(6, padding=1)(x)
    ember.manual_seed(3)
    np.testing.assert_array_equal(a, RandomCrop(6, padding=1)(x))


def test_single_image_is_accepted():
    img = _batch(1)[0]
    out = Compose([RandomCrop(8, padding=2, seed=0), RandomRotation(20, seed=0),
                   Cutout(2, seed=0)])(img)
    assert out.shape == img.shape


def test_flip_twice_is_identity_and_flips_the_last_axis():
    x = _batch()
    flip = RandomHorizontalFlip(p=1.0, seed=0)
    np.testing.assert_array_equal(flip(flip(x)), x)
    np.testing.assert_array_equal(flip(x), x[..., ::-1])
    np.testing.assert_array_equal(RandomVerticalFlip(p=1.0)(x), x[..., ::-1, :])
    np.testing.assert_array_equal(RandomHorizontalFlip(p=0.0)(x), x)


def test_flip_half_of_a_batch_flips_each_image_or_not():
    x = _batch(n=64)
    out = RandomHorizontalFlip(p=0.5, seed=0)(x)
    flipped = [np.array_equal(o, i[..., ::-1]) for o, i in zip(out, x)]
    kept = [np.array_equal(o, i) for o, i in zip(out, x)]
    assert all(f != k for f, k in zip(flipped, kept))
    assert 16 < sum(flipped) < 48


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_crop_is_a_window_of_the_padded_image(mode):
    x = _batch(n=10, h=7, w=9)
    out = RandomCrop((5, 6), padding=(2, 3), padding_mode=mode, seed=0)(x)
    assert out.shape == (10, 3, 5, 6)
    padded = np.pad(x, ((0, 0), (0, 0), (2, 2), (3, 3)), mode=mode)
    for o, p in zip(out, padded):
        hits = [(i, j) for i in range(p.shape[1] - 4) for j in range(p.shape[2] - 5)
                if np.array_equal(p[:, i:i + 5, j:j + 6], o)]
        assert hits


def test_crop_same_size_without_padding_is_identity_and_too_big_raises():
    x = _batch()
    np.testing.assert_array_equal(RandomCrop(8, seed=0)(x), x)
    with pytest.raises(ValueError, match=r"RandomCrop: crop size \(12, 12\) is larger than "
                                         r"the padded image \(10, 10\)"):
        RandomCrop(12, padding=1)(x)


def test_rotation_by_zero_is_identity():
    x = _batch()
    for interpolation in ("nearest", "bilinear"):
        np.testing.assert_allclose(RandomRotation(0, interpolation=interpolation)(x), x,
                                   atol=1e-6)


@pytest.mark.parametrize("size", [5, 8])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_rotation_by_90_equals_rot90(size, interpolation):
    x = _batch(h=size, w=size)
    ccw = RandomRotation((90, 90), interpolation=interpolation, seed=0)(x)
    np.testing.assert_allclose(ccw, np.rot90(x, 1, axes=(-2, -1)), atol=1e-5)
    cw = RandomRotation((-90, -90), interpolation=interpolation, seed=0)(x)
    np.testing.assert_allclose(cw, np.rot90(x, -1, axes=(-2, -1)), atol=1e-5)


def test_translate_shifts_by_whole_pixels_with_fill():
    x = _batch(n=12) + 1.0  # no zeros inside the image, so fill is recognisable
    out = RandomAffine(translate=(0.25, 0.25), seed=0)(x)
    for o, i in zip(out, x):
        matches = []
        for dy in range(-2, 3):
            for dx in range(-2, 3):
                shifted = np.zeros_like(i)
                src = i[:, max(0, -dy):8 - max(0, dy), max(0, -dx):8 - max(0, dx)]
                shifted[:, max(0, dy):8 - max(0, -dy), max(0, dx):8 - max(0, -dx)] = src
                matches.append(np.array_equal(o, shifted))
        assert sum(matches) == 1


def test_integer_images_keep_their_dtype():
    x = (np.arange(2 * 1 * 6 * 6) % 256).astype(np.uint8).reshape(2, 1, 6, 6)
    for t in (RandomRotation(20, interpolation="bilinear", seed=0), RandomCrop(4, seed=0),
              Cutout(2, seed=0), RandomHorizontalFlip(seed=0)):
        assert t(x).dtype == np.uint8


def test_normalize_matches_the_formula():
    x = _batch(c=3)
    mean, std = [0.5, 0.4, 0.3], [0.2, 0.25, 0.3]
    out = Normalize(mean, std)(x)
    expected = (x - np.array(mean)[:, None, None]) / np.array(std)[:, None, None]
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)
    assert out.dtype == np.float32
    t = Normalize(0.5, 0.5)(ember.from_numpy(x[0]))
    np.testing.assert_allclose(t.numpy(), (x[0] - 0.5) / 0.5, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="Normalize: mean has 2 values but the images have 3"):
        Normalize([0.1, 0.2], [1.0, 1.0])(x)


@pytest.mark.parametrize("size", [1, 3, 8])
def test_cutout_zeroes_a_square_of_the_given_size(size):
    x = _batch(n=20) + 1.0
    out = Cutout(size, seed=0)(x)
    for o, i in zip(out, x):
        zero = o == 0
        assert np.array_equal(zero[0], zero[1]) and np.array_equal(zero[0], zero[2])
        rows, cols = np.nonzero(zero[0])
        assert zero[0].sum() == size * size
        assert rows.max() - rows.min() == cols.max() - cols.min() == size - 1
        np.testing.assert_array_equal(o[~zero], i[~zero])


def test_gaussian_noise_has_the_requested_spread():
    x = np.zeros((200, 1, 16, 16), np.float32)
    noise = GaussianNoise(std=0.5, mean=0.1, seed=0)(x)
    assert abs(noise.mean() - 0.1) < 0.01 and abs(noise.std() - 0.5) < 0.01
    np.testing.assert_array_equal(GaussianNoise(0.0, seed=0)(x), x)
    clipped = GaussianNoise(1.0, clip=(0, 1), seed=0)(x)
    assert clipped.min() >= 0 and clipped.max() <= 1


def test_jitter_scales_noise_per_feature():
    x = np.zeros((20000, 2), np.float32)
    out = Jitter(0.1, scale=[1.0, 10.0], seed=0)(x)
    np.testing.assert_allclose(out.std(axis=0), [0.1, 1.0], rtol=0.03)
    with pytest.raises(ValueError, match="Jitter: scale has shape"):
        Jitter(0.1, scale=[1.0, 2.0, 3.0])(x)


def test_mixup_blends_inputs_and_targets():
    x = _batch(n=8)
    y = np.arange(8) % 4
    same_x, same_y, lam = mixup(x, y, num_classes=4, lam=1.0, seed=0)
    assert lam == 1.0
    np.testing.assert_array_equal(same_x, x)
    np.testing.assert_array_equal(same_y, np.eye(4, dtype=np.float32)[y])
    mx, my, lam = mixup(ember.from_numpy(x), ember.from_numpy(y), alpha=0.4,
                        num_classes=4, seed=3)
    assert 0 <= lam <= 1 and isinstance(mx, ember.Tensor) and my.shape == (8, 4)
    np.testing.assert_allclose(my.numpy().sum(axis=1), 1.0, rtol=1e-6)
    # every mixed input is lam * x_i + (1 - lam) * x_j for the j that its target names
    onehot = np.eye(4, dtype=np.float32)[y]
    for i in range(8):
        hits = [j for j in range(8) if np.allclose(mx.numpy()[i], lam * x[i] + (1 - lam) * x[j],
                                                   atol=1e-6)
                and np.allclose(my.numpy()[i], lam * onehot[i] + (1 - lam) * onehot[j])]
        assert hits
    again = mixup(ember.from_numpy(x), ember.from_numpy(y), alpha=0.4, num_classes=4, seed=3)
    np.testing.assert_array_equal(again[0].numpy(), mx.numpy())


def test_mixup_lambda_follows_the_beta_distribution():
    lams = [mixup(np.zeros((2, 1)), np.eye(2), alpha=0.5, seed=s)[2] for s in range(400)]
    assert abs(np.mean(lams) - 0.5) < 0.05 and abs(np.var(lams) - 0.125) < 0.03


def test_mixup_rejects_bad_targets():
    with pytest.raises(ValueError, match="mixup: y of shape .* num_classes"):
        mixup(np.zeros((3, 2)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="same number of samples"):
        mixup(np.zeros((3, 2)), np.eye(4))


def test_bad_image_shapes_and_arguments_raise():
    with pytest.raises(ValueError, match=r"RandomCrop: expected an image \(C, H, W\) or a "
                                         r"batch \(N, C, H, W\), got shape \(8, 8\)"):
        RandomCrop(4)(np.zeros((8, 8)))
    with pytest.raises(ValueError, match="RandomHorizontalFlip: p must lie in"):
        RandomHorizontalFlip(p=2)
    with pytest.raises(ValueError, match="Cutout: a hole of size 9"):
        Cutout(9)(_batch())
    with pytest.raises(ValueError, match="either generator or seed"):
        GaussianNoise(0.1, generator=ember.Generator(), seed=0)


# ----------------------------------------------------------------- text
SENTENCE = "the quick brown fox jumps over the lazy dog"
SYNONYMS = {"quick": ["fast", "speedy"], "lazy": ["idle"], "jumps": ["leaps", "hops"]}


def test_text_edits_repeat_for_a_seed():
    for edit in (lambda s: random_swap(SENTENCE, 2, seed=s),
                 lambda s: random_deletion(SENTENCE, 0.3, seed=s),
                 lambda s: synonym_replacement(SENTENCE, SYNONYMS, 2, seed=s),
                 lambda s: random_insertion(SENTENCE, SYNONYMS, 2, seed=s)):
        assert edit(0) == edit(0)
        assert len({edit(s) for s in range(10)}) > 1


def test_random_deletion():
    assert random_deletion(SENTENCE, p=0.0, seed=0) == SENTENCE
    assert len(random_deletion(SENTENCE, p=1.0, seed=0).split()) == 1
    kept = random_deletion(SENTENCE.split(), p=0.5, seed=1)
    words = SENTENCE.split()
    it = iter(words)
    assert isinstance(kept, list) and all(w in it for w in kept)  # an ordered subsequence
    assert random_deletion("", p=0.5, seed=0) == ""


def test_random_swap_permutes_the_words():
    out = random_swap(SENTENCE, n=3, seed=0)
    assert sorted(out.split()) == sorted(SENTENCE.split()) and out != SENTENCE
    assert random_swap(SENTENCE, n=0, seed=0) == SENTENCE
    assert random_swap("alone", n=2, seed=0) == "alone"


def test_synonym_replacement_uses_the_dictionary():
    out = synonym_replacement(SENTENCE, SYNONYMS, n=3, seed=0).split()
    assert out[1] in ("fast", "speedy") and out[4] in ("leaps", "hops") and out[7] == "idle"
    one = synonym_replacement(SENTENCE, SYNONYMS, n=1, seed=0).split()
    assert sum(a != b for a, b in zip(one, SENTENCE.split())) == 1
    assert synonym_replacement(SENTENCE, {}, n=3, seed=0) == SENTENCE


def test_random_insertion_adds_synonyms():
    out = random_insertion(SENTENCE, SYNONYMS, n=2, seed=0).split()
    assert len(out) == len(SENTENCE.split()) + 2
    extra = list(out)
    for w in SENTENCE.split():
        extra.remove(w)
    assert all(any(e in s for s in SYNONYMS.values()) for e in extra)


def test_text_edits_reject_bad_input():
    with pytest.raises(TypeError, match="random_swap: expected a string or a list"):
        random_swap(42)
    with pytest.raises(ValueError, match="random_deletion: p must lie in"):
        random_deletion(SENTENCE, p=1.5)
    with pytest.raises(TypeError, match="synonym_replacement: synonyms must be a dict"):
        synonym_replacement(SENTENCE, ["fast"])

"""An Embedding + masked mean-pooling text classifier with label-smoothed cross-entropy."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

vocab = ["<pad>", "<unk>", "good", "great", "fun", "bad", "awful", "boring", "movie", "plot",
         "the", "a", "was", "very"]
stoi = {w: i for i, w in enumerate(vocab)}
sentences = [
    ("the movie was great", 1), ("a very good plot", 1), ("fun fun movie", 1),
    ("the plot was boring", 0), ("awful movie", 0), ("a very bad plot was awful", 0),
    ("great fun", 1), ("boring and bad", 0), ("the movie was very good", 1),
    ("the movie was awful", 0),
]


def encode(text):
    return [stoi.get(w, stoi["<unk>"]) for w in text.split()]


class TextDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        text, label = self.pairs[idx]
        return torch.tensor(encode(text), dtype=torch.long), label


def collate(batch):
    seqs, labels = zip(*batch)
    max_len = max(len(s) for s in seqs)
    padded = torch.zeros(len(seqs), max_len, dtype=torch.long)
    for i, s in enumerate(seqs):
        padded[i, :len(s)] = s
    return padded, torch.tensor(labels)


class MeanPoolClassifier(nn.Module):
    def __init__(self, vocab_size, dim, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(dim, n_classes)

    def forward(self, tokens):
        mask = (tokens != 0).unsqueeze(-1).float()
        emb = self.embedding(tokens) * mask
        pooled = emb.sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return self.fc(self.dropout(pooled))


rs = np.random.RandomState(11)
model = MeanPoolClassifier(len(vocab), 8, 2)
with torch.no_grad():
    model.embedding.weight.copy_(torch.from_numpy(rs.randn(len(vocab), 8).astype(np.float32)))
    model.embedding.weight[model.embedding.padding_idx].fill_(0)
    model.fc.weight.copy_(torch.from_numpy(rs.randn(2, 8).astype(np.float32) * 0.1))
    model.fc.bias.zero_()

loader = DataLoader(TextDataset(sentences), batch_size=4, shuffle=False, collate_fn=collate)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.01)

for epoch in range(8):
    model.train()
    model.dropout.p = 0.0  # keep the two runs on the same path (RNG streams differ)
    total = 0.0
    for tokens, labels in loader:
        optimizer.zero_grad()
        logits = model(tokens)
        loss = criterion(logits, labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
    if epoch % 2 == 1:
        print(f"epoch {epoch} loss {total / len(loader):.6f}")

print("pad row", model.embedding.weight[0].abs().sum().item(),
      model.embedding.weight.grad[0].abs().sum().item())
model.eval()
with torch.no_grad():
    test = [encode("great movie"), encode("boring awful plot"), encode("unknown words here")]
    batch = collate([(torch.tensor(t), 0) for t in test])[0]
    probs = F.softmax(model(batch), dim=-1)
print("probs", probs.numpy().round(5).tolist(), probs.argmax(-1).tolist())

# label smoothing by hand matches the built-in option
logits = torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]])
target = torch.tensor([0, 2])
eps, k = 0.1, logits.size(-1)
logp = F.log_softmax(logits, dim=-1)
smooth = torch.full_like(logp, eps / k).scatter_(1, target.unsqueeze(1), 1 - eps + eps / k)
manual = -(smooth * logp).sum(dim=-1).mean()
builtin = F.cross_entropy(logits, target, label_smoothing=eps)
print("smoothing", round(manual.item(), 6), round(builtin.item(), 6),
      round(F.nll_loss(logp, target).item(), 6),
      round(F.cross_entropy(logits, target, reduction="sum").item(), 6),
      F.cross_entropy(logits, target, reduction="none").numpy().round(6).tolist())
bag = F.embedding(torch.tensor([[1, 2], [3, 0]]), model.embedding.weight)
print("F.embedding", list(bag.shape), round(bag.sum().item(), 4))

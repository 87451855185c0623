"""Language analysis below everything else: segmentation, signals, matching and embeddings.

Nothing here imports the bank, the engine or a front end; they all import this.
"""

"""What every benchmark uses: the one synthetic site (`sites`) and the one timer (`timing`)."""

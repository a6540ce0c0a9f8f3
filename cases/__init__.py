"""The domain: cases, their lifecycle, the catalog, the store and its event log.

Never imports dash or flask; knows geography only by cell code.
"""
